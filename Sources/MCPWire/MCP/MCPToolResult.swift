/// The result of `tools/call`.
///
/// A tool that fails (bad arguments, an error in its work) returns a result with ``isError`` set, so the
/// model can see what went wrong; protocol errors are for requests the server cannot route at all.
public struct MCPToolResult: Sendable, Hashable {
    public var content: [MCPContent]
    public var structuredContent: JSONValue?
    public var isError: Bool

    public init(content: [MCPContent], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// A successful result with one text block.
    public static func text(_ text: String) -> Self {
        Self(content: [.text(text)])
    }

    /// A failed result whose text says why.
    public static func error(_ message: String) -> Self {
        Self(content: [.text(message)], isError: true)
    }

    /// The result members (without `resultType` or `_meta`, which the server adds per era).
    public var jsonMembers: [String: JSONValue] {
        var members: [String: JSONValue] = ["content": .array(self.content.map(\.json))]
        if let structuredContent = self.structuredContent { members["structuredContent"] = structuredContent }
        if self.isError { members["isError"] = true }
        return members
    }
}
