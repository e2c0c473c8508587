public import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The router's answer, ready to be written in the event's payload format.
public struct LambdaHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The response document for `format`.
    ///
    /// Payload 2.0 takes one value per header (repeats joined with commas, as HTTP allows) and `Set-Cookie`
    /// in `cookies`, which must not be joined; payload 1.0 takes `multiValueHeaders`. Text bodies go as they
    /// are; anything else, or text that is not valid UTF-8, is base64 with `isBase64Encoded`.
    public func document(for format: LambdaHTTPRequest.Format) -> JSONValue {
        var document: [String: JSONValue] = ["statusCode": .number(JSONNumber(self.status))]
        let contentType = self.headers.first { $0.name.lowercased() == "content-type" }?.value
        if !self.body.isEmpty, Self.isText(contentType), let text = String(validating: self.body, as: UTF8.self) {
            document["body"] = .string(text)
            document["isBase64Encoded"] = false
        } else {
            document["body"] = .string(self.body.isEmpty ? "" : Base64.encode(self.body))
            document["isBase64Encoded"] = .bool(!self.body.isEmpty)
        }
        switch format {
        case .version2:
            var single: [String: JSONValue] = [:]
            var cookies: [JSONValue] = []
            for (name, value) in self.headers {
                let key = name.lowercased()
                if key == "set-cookie" {
                    cookies.append(.string(value))
                } else if case .string(let existing) = single[key] {
                    single[key] = .string(existing + ", " + value)
                } else {
                    single[key] = .string(value)
                }
            }
            document["headers"] = .object(single)
            if !cookies.isEmpty { document["cookies"] = .array(cookies) }
        case .version1:
            var multi: [String: [JSONValue]] = [:]
            for (name, value) in self.headers { multi[name.lowercased(), default: []].append(.string(value)) }
            document["multiValueHeaders"] = .object(multi.mapValues { .array($0) })
        }
        return .object(document)
    }

    private static func isText(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return false }
        return type.hasPrefix("text/") || type.contains("json") || type.contains("xml") || type.contains("javascript")
            || type.hasPrefix("application/x-www-form-urlencoded")
    }
}
