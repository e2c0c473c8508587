public import Logging
public import MCPWire

/// What a tool handler gets besides its arguments.
public struct ToolContext: Sendable {
    /// Logger of the request that called the tool.
    public let logger: Logger
    /// The protocol version of the request.
    public let protocolVersion: MCPProtocolVersion
    let progressSink: (@Sendable (_ progress: Double, _ total: Double?, _ message: String?) async -> Void)?

    public init(
        logger: Logger,
        protocolVersion: MCPProtocolVersion,
        progressSink: (@Sendable (Double, Double?, String?) async -> Void)? = nil
    ) {
        self.logger = logger
        self.protocolVersion = protocolVersion
        self.progressSink = progressSink
    }

    /// `true` when the caller asked for progress (its request carried a `progressToken`).
    public var reportsProgress: Bool { self.progressSink != nil }

    /// Reports progress to the caller; does nothing when the caller did not ask for it.
    ///
    /// `progress` must grow with every call (MCP rule). The first report turns the HTTP answer into an
    /// SSE stream, so the caller sees each report before the result.
    public func progress(_ progress: Double, total: Double? = nil, message: String? = nil) async {
        await self.progressSink?(progress, total, message)
    }
}

/// Throw this from a tool handler to fail the call with a message the caller may read.
///
/// Any other error fails the call too, but its text stays in the server log: it may hold internals.
public struct ToolError: Error, Sendable, Hashable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}
