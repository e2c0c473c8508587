/// A tool as `tools/list` describes it.
public struct MCPTool: Sendable, Hashable {
    public var name: String
    public var title: String?
    public var description: String?
    /// A JSON Schema object for `arguments`; MCP requires one on every tool.
    public var inputSchema: JSONValue
    /// A JSON Schema for `structuredContent`, when the tool returns structured output.
    public var outputSchema: JSONValue?
    /// Hints such as `readOnlyHint` (MCP tool annotations).
    public var annotations: JSONValue?

    public init(
        name: String,
        title: String? = nil,
        description: String? = nil,
        inputSchema: JSONValue,
        outputSchema: JSONValue? = nil,
        annotations: JSONValue? = nil
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(self.name), "inputSchema": self.inputSchema]
        if let title = self.title { members["title"] = .string(title) }
        if let description = self.description { members["description"] = .string(description) }
        if let outputSchema = self.outputSchema { members["outputSchema"] = outputSchema }
        if let annotations = self.annotations { members["annotations"] = annotations }
        return .object(members)
    }
}
