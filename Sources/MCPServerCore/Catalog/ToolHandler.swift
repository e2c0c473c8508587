public import MCPWire

/// A registered tool: its description and the code that runs it.
public struct ToolHandler: Sendable {
    public let tool: MCPTool
    let run: @Sendable (_ arguments: JSONValue, _ context: ToolContext) async throws -> MCPToolResult
}
