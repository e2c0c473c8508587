import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An HTTP request that arrived as a Lambda event, whichever front door sent it.
///
/// Three shapes are understood: API Gateway HTTP APIs with payload format 2.0 and Lambda Function URLs (the
/// same shape), and API Gateway REST APIs (payload format 1.0, also what HTTP APIs send when configured for
/// 1.0). They all become the same request for the router; ``LambdaHTTPResponse`` maps the answer back to the
/// shape the event came in.
public struct LambdaHTTPRequest: Sendable {
    /// Which payload format the event used; the response must use the same.
    public enum Format: String, Sendable, Hashable {
        /// HTTP API payload 2.0 and Function URLs.
        case version2 = "2.0"
        /// REST API (payload 1.0).
        case version1 = "1.0"
    }

    public var format: Format
    public var method: String
    /// The path the router sees: percent-encoded as sent, without the stage prefix.
    public var path: String
    /// The query string without `?`, percent-encoded; empty when there is none.
    public var query: String
    /// Header fields in arrival order; repeated names stay separate (cookies are folded into one `Cookie`).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The caller's address as API Gateway saw it.
    public var sourceIP: String?
    /// The domain the caller used (`abc.execute-api.eu-west-1.amazonaws.com`, a custom domain, a Function URL).
    public var domainName: String?
    public var stage: String?
    /// API Gateway's own request id, for matching our logs with its access logs.
    public var gatewayRequestID: String?
    /// The base URL the caller used (scheme, domain and, when it is visible in the URL, the stage), derived
    /// from the event's request context, which API Gateway fills in and callers cannot forge.
    public var publicBaseURL: String?
    /// The client certificate API Gateway verified on a mutual-TLS custom domain (PEM), from the request context
    /// (`authentication.clientCert` in payload 2.0, `identity.clientCert` in 1.0), which callers cannot forge.
    public var clientCertificatePEM: String?

    /// Decodes an API Gateway or Function URL event.
    /// - Throws: ``LambdaFunctionError`` of type `Runtime.InvalidEvent` for anything else.
    public init(event: [UInt8]) throws(LambdaFunctionError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: event)
        } catch {
            throw Self.invalid("the event is not JSON (\(error))")
        }
        guard case .object = json else { throw Self.invalid("the event is not a JSON object") }
        let context = json["requestContext"] ?? .object([:])
        if json["version"]?.stringValue == "2.0" || context["http"] != nil {
            try self.init(version2: json, context: context)
        } else if json["httpMethod"]?.stringValue != nil {
            try self.init(version1: json, context: context)
        } else {
            throw Self.invalid(
                "not an API Gateway or Function URL event (no requestContext.http and no httpMethod)"
            )
        }
        self.clientCertificatePEM =
            (context["authentication"]?["clientCert"] ?? context["identity"]?["clientCert"])?["clientCertPem"]?
            .stringValue
    }

    private init(version2 json: JSONValue, context: JSONValue) throws(LambdaFunctionError) {
        guard let method = context["http"]?["method"]?.stringValue else {
            throw Self.invalid("requestContext.http.method is missing")
        }
        let stage = context["stage"]?.stringValue
        var path = json["rawPath"]?.stringValue ?? context["http"]?["path"]?.stringValue ?? "/"
        // HTTP APIs keep a named stage in rawPath (`/prod/mcp`); the router's routes start below it.
        var stageInPath = false
        if let stage, stage != "$default", !stage.isEmpty {
            let prefix = "/" + stage
            if path == prefix || path.hasPrefix(prefix + "/") {
                path = String(path.dropFirst(prefix.count))
                stageInPath = true
            }
        }
        var headers = Self.pairs(multi: nil, single: json["headers"])
        // Payload 2.0 moves cookies out of the headers into their own array.
        let cookies = (json["cookies"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !cookies.isEmpty {
            headers.removeAll { $0.name.lowercased() == "cookie" }
            headers.append(("cookie", cookies.joined(separator: "; ")))
        }
        let domain = context["domainName"]?.stringValue
        self.init(
            format: .version2,
            method: method,
            path: path.isEmpty ? "/" : path,
            query: json["rawQueryString"]?.stringValue ?? "",
            headers: headers,
            body: try Self.body(json),
            sourceIP: context["http"]?["sourceIp"]?.stringValue,
            domainName: domain,
            stage: stage,
            gatewayRequestID: context["requestId"]?.stringValue,
            publicBaseURL: domain.map { "https://\($0)" + (stageInPath ? "/" + stage! : "") }
        )
    }

    private init(version1 json: JSONValue, context: JSONValue) throws(LambdaFunctionError) {
        let method = json["httpMethod"]?.stringValue ?? "GET"
        let headers = Self.pairs(multi: json["multiValueHeaders"], single: json["headers"])
        // Payload 1.0 hands the query over decoded; put it back together for the router.
        let pairs = Self.pairs(multi: json["multiValueQueryStringParameters"], single: json["queryStringParameters"])
        let query = pairs.map { Self.queryEscaped($0.0) + "=" + Self.queryEscaped($0.1) }.joined(separator: "&")
        let stage = context["stage"]?.stringValue
        let domain = context["domainName"]?.stringValue
        // REST APIs leave the stage out of `path`; it is in the URL only on the execute-api domain.
        let stageVisible = domain?.contains(".execute-api.") == true && stage.map { !$0.isEmpty } == true
        self.init(
            format: .version1,
            method: method,
            path: (json["path"]?.stringValue).map(Self.pathEscaped) ?? "/",
            query: query,
            headers: headers,
            body: try Self.body(json),
            sourceIP: context["identity"]?["sourceIp"]?.stringValue,
            domainName: domain,
            stage: stage,
            gatewayRequestID: context["requestId"]?.stringValue,
            publicBaseURL: domain.map { "https://\($0)" + (stageVisible ? "/" + stage! : "") }
        )
    }

    public init(
        format: Format,
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        sourceIP: String? = nil,
        domainName: String? = nil,
        stage: String? = nil,
        gatewayRequestID: String? = nil,
        publicBaseURL: String? = nil
    ) {
        self.format = format
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.sourceIP = sourceIP
        self.domainName = domainName
        self.stage = stage
        self.gatewayRequestID = gatewayRequestID
        self.publicBaseURL = publicBaseURL
    }

    /// The path and query as an HTTP request target.
    public var target: String { self.query.isEmpty ? self.path : self.path + "?" + self.query }

    /// Name-value pairs from payload 1.0's `multiValue…` object (which keeps repeated names) or, without it, the
    /// single-value one; in name order, so the result does not depend on JSON object order.
    private static func pairs(multi: JSONValue?, single: JSONValue?) -> [(name: String, value: String)] {
        if let multi = multi?.objectValue, !multi.isEmpty {
            return multi.sorted { $0.key < $1.key }.flatMap { name, values in
                (values.arrayValue ?? []).compactMap(\.stringValue).map { (name, $0) }
            }
        }
        return (single?.objectValue ?? [:]).sorted { $0.key < $1.key }.compactMap { name, value in
            value.stringValue.map { (name, $0) }
        }
    }

    private static func body(_ json: JSONValue) throws(LambdaFunctionError) -> [UInt8] {
        guard let text = json["body"]?.stringValue else { return [] }
        guard json["isBase64Encoded"]?.boolValue == true else { return Array(text.utf8) }
        guard let bytes = Base64.decode(text) else {
            throw Self.invalid("isBase64Encoded is true but the body is not base64")
        }
        return bytes
    }

    private static func invalid(_ message: String) -> LambdaFunctionError {
        LambdaFunctionError(type: "Runtime.InvalidEvent", message: message)
    }

    /// A query name or value, escaped so that it stays one: what a query may hold (RFC 3986 §3.4) but `&`, `=`, `+`
    /// (which forms read as a space) and `?`.
    private static func queryEscaped(_ text: String) -> String {
        PercentEncoding.encode(text) { byte in
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "+"): false
            case UInt8(ascii: "/"): true
            default: PercentEncoding.isPathSegmentCharacter(byte)
            }
        }
    }

    /// REST APIs decode `path`; spaces and the like must be escaped again for a request target.
    private static func pathEscaped(_ path: String) -> String {
        PercentEncoding.encode(path) { PercentEncoding.isPathSegmentCharacter($0) || $0 == UInt8(ascii: "/") }
    }
}
