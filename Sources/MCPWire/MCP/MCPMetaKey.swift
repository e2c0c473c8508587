/// Names used in `_meta` objects.
public enum MCPMetaKey {
    /// 2026-07-28: the protocol version of this request (required).
    public static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
    /// 2026-07-28: the client's capabilities for this request (required).
    public static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    /// 2026-07-28: the client's name and version (should).
    public static let clientInfo = "io.modelcontextprotocol/clientInfo"
    /// 2026-07-28: the server's name and version, on results (should).
    public static let serverInfo = "io.modelcontextprotocol/serverInfo"
    /// 2026-07-28: the log level the client wants `notifications/message` at.
    public static let logLevel = "io.modelcontextprotocol/logLevel"
    /// Any era: the token progress notifications for this request carry.
    public static let progressToken = "progressToken"
}

/// MCP method names.
public enum MCPMethod {
    public static let initialize = "initialize"
    public static let ping = "ping"
    public static let discover = "server/discover"
    public static let toolsList = "tools/list"
    public static let toolsCall = "tools/call"
    public static let resourcesList = "resources/list"
    public static let resourcesTemplatesList = "resources/templates/list"
    public static let resourcesRead = "resources/read"
    public static let promptsList = "prompts/list"
    public static let promptsGet = "prompts/get"
    public static let initializedNotification = "notifications/initialized"
    public static let progressNotification = "notifications/progress"
    public static let cancelledNotification = "notifications/cancelled"
}
