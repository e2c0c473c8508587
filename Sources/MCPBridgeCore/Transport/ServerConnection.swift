/// A connection to the remote MCP server, whatever the transport.
public protocol ServerConnection: Sendable {
    /// Sends one host message. The server's messages about it (progress, its own requests on the request's stream,
    /// and for a request the answer) go to `sink` as they arrive; messages outside any request (the GET stream,
    /// the legacy stream's unmatched messages) go to the connection's own output. For a request, returns once the
    /// answer has been delivered; throws when no answer will come.
    func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws
    /// The host closed its input: end what only the host's going away ends (listen streams the bridge serves,
    /// calls parked for the host's retry). Requests in flight go on.
    func hostInputEnded() async
    /// Ends the server session, if there is one (HTTP DELETE), and stops background streams.
    func close() async
}

extension ServerConnection {
    /// Nothing to end: a transport holds nothing for the host alone.
    public func hostInputEnded() async {}
}
