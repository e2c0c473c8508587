public import MCPWire

/// The error document the Runtime API takes at `…/error` and `init/error`.
public struct LambdaFunctionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Shown as `errorType` and sent as `Lambda-Runtime-Function-Error-Type` (for example `Runtime.InvalidEvent`).
    public var type: String
    /// Shown as `errorMessage`; must not hold secrets, since it reaches the caller's logs.
    public var message: String

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    public var description: String { "\(self.type): \(self.message)" }

    /// `{"errorMessage": …, "errorType": …, "stackTrace": []}`, as AWS documents it.
    public var json: JSONValue {
        ["errorMessage": .string(self.message), "errorType": .string(self.type), "stackTrace": []]
    }
}
