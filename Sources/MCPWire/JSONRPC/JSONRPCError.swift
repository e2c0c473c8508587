/// The `error` member of a JSON-RPC error response.
public struct JSONRPCError: Error, Sendable, Hashable {
    public var code: JSONRPCErrorCode
    public var message: String
    public var data: JSONValue?

    public init(code: JSONRPCErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The error object as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "code": .number(JSONNumber(self.code.rawValue)), "message": .string(self.message),
        ]
        if let data = self.data { members["data"] = data }
        return .object(members)
    }

    /// Reads an error object; `nil` when `code` or `message` is missing or mistyped.
    public init?(json: JSONValue) {
        guard let code = json["code"]?.numberValue?.int64Value, let message = json["message"]?.stringValue else {
            return nil
        }
        self.init(code: JSONRPCErrorCode(rawValue: Int(code)), message: message, data: json["data"])
    }
}

extension JSONRPCError {
    /// -32700 with the parser's reason.
    public static func parseError(_ detail: String) -> Self {
        Self(code: .parseError, message: "Parse error: \(detail)")
    }

    /// -32600 with a reason.
    public static func invalidRequest(_ detail: String) -> Self {
        Self(code: .invalidRequest, message: "Invalid request: \(detail)")
    }

    /// -32601 for `method`.
    public static func methodNotFound(_ method: String) -> Self {
        Self(code: .methodNotFound, message: "Method not found: \(method)")
    }

    /// -32602 with a reason.
    public static func invalidParams(_ detail: String) -> Self {
        Self(code: .invalidParams, message: "Invalid params: \(detail)")
    }

    /// -32603; the detail must not reveal internals.
    public static func internalError(_ detail: String = "the server could not handle the request") -> Self {
        Self(code: .internalError, message: "Internal error: \(detail)")
    }
}
