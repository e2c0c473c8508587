/// A connection to the remote MCP server, whatever the transport.
public protocol ServerConnection: Sendable {
    /// Sends one host message. For a request, returns once the server's answer has been delivered to the host
    /// (messages the server sends before it are delivered as they arrive); throws when no answer will come.
    func send(_ message: HostMessage) async throws
    /// Ends the server session, if there is one (HTTP DELETE), and stops background streams.
    func close() async
}
