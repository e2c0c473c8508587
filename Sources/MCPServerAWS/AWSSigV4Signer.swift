import Crypto
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// AWS Signature Version 4 (the "Signing AWS API requests" process), for the DynamoDB and Secrets Manager calls
/// the server makes. Checked against AWS's published SigV4 test suite.
public struct AWSSigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The intermediate texts and the result of signing one request (the test suite checks each).
    public struct Signature: Sendable, Hashable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var authorization: String
    }

    /// The headers to add to a request before sending it: `X-Amz-Date`, `X-Amz-Security-Token` for temporary
    /// credentials, and `Authorization`. `headers` are the request's own (they must include `Host`); all of
    /// them are signed.
    public func signedHeaders(
        method: String,
        target: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        date: Date
    ) -> [(name: String, value: String)] {
        let amzDate = Self.amzDate(date)
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = self.credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let signature = self.sign(
            method: method,
            target: target,
            headers: headers + added,
            body: body,
            amzDate: amzDate
        )
        added.append(("Authorization", signature.authorization))
        return added
    }

    /// Signs a request whose headers already carry `x-amz-date` (`amzDate`).
    ///
    /// - Parameter target: the path and query as the request line has them, unencoded (`/`, `/?a=b`).
    public func sign(
        method: String,
        target: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        amzDate: String
    ) -> Signature {
        let (path, query) = Self.split(target)
        var byName: [String: [String]] = [:]
        for (name, value) in headers { byName[name.lowercased(), default: []].append(Self.trimmed(value)) }
        let names = byName.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method.uppercased(),
            Self.canonicalPath(path),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            Hex.encode(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(self.region)/\(self.service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(self.credentials.secretAccessKey)".utf8))
        for part in [day, self.region, self.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(self.credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, authorization: authorization)
    }

    /// `20150830T123600Z` for `date`.
    private static let amzDateStyle = Date.ISO8601FormatStyle(
        dateSeparator: .omitted,
        dateTimeSeparator: .standard,
        timeSeparator: .omitted,
        timeZone: .gmt
    )

    public static func amzDate(_ date: Date) -> String {
        // 2015-08-30T12:36:00Z (UTC, whole seconds) -> 20150830T123600Z
        let whole = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        return Self.amzDateStyle.format(whole)
    }

    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// The path with `.` and `..` segments resolved and empty segments dropped (a trailing slash stays), each
    /// segment URI-encoded (services other than S3 normalise paths this way).
    static func canonicalPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        var result = "/" + segments.map { Self.uriEncode(String($0)) }.joined(separator: "/")
        if path.hasSuffix("/"), !segments.isEmpty { result += "/" }
        return result
    }

    /// Query parameters URI-encoded, then sorted by name and value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(parts[0].utf8, form: false) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentEncoding.decode(parts[1].utf8, form: false) ?? String(parts[1])) : ""
            return (Self.uriEncode(name), Self.uriEncode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0)=\($1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding with AWS's unreserved set (`A-Z a-z 0-9 - . _ ~`), upper-case hex.
    static func uriEncode(_ text: String) -> String {
        PercentEncoding.encode(text)
    }

    /// Leading and trailing spaces removed, inner runs of spaces collapsed to one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingOWS()
    }
}
