public import MCPWire

/// A registered tool: its description and the code that runs it.
public struct ToolHandler: Sendable {
    public let tool: MCPTool
    let run: @Sendable (_ arguments: JSONValue, _ context: ToolContext) async throws -> MCPToolResult
    /// The arguments mirrored into `Mcp-Param-*` headers (2026-07-28 `x-mcp-header`), found once at
    /// registration rather than on every call.
    let mirroredHeaders: [MirroredHeaders.Annotation]
    /// Whether the handler may call ``ToolContext/elicit(key:message:requestedSchema:)``: such calls are prepared
    /// for a question (a legacy call may turn into a stream), which other calls need not pay for.
    public let asksForInput: Bool
    /// Whether the result depends on who called (``ToolContext/caller``): 2026-07-28 results then say
    /// `cacheScope: "private"` with `ttlMs: 0`, so no cache shared between callers keeps one person's answer.
    public let answersPerCaller: Bool

    init(
        tool: MCPTool,
        asksForInput: Bool = false,
        answersPerCaller: Bool = false,
        run: @escaping @Sendable (JSONValue, ToolContext) async throws -> MCPToolResult
    ) {
        self.tool = tool
        self.run = run
        self.asksForInput = asksForInput
        self.answersPerCaller = answersPerCaller
        self.mirroredHeaders = MirroredHeaders.annotations(in: tool.inputSchema)
    }
}
