public import MCPWire

/// What the MCP endpoint answers, independent of the HTTP library that carries it.
public enum MCPReply: Sendable {
    /// `202 Accepted`, empty body: a notification or a response was taken.
    case accepted
    /// One JSON-RPC message as `application/json` with this HTTP status.
    case message(status: Int, JSONValue)
    /// `200` with `text/event-stream`: notifications (and, in the legacy era, requests to the client), then the
    /// response, then the end of the stream.
    /// Ending the iteration early (the client went away) cancels the request's work.
    case stream(AsyncStream<JSONValue>)
    /// `200` with `text/event-stream` that stays open: a 2026-07-28 `subscriptions/listen` stream, which the host
    /// runs (``ListenStream/run(_:)``) and ends gracefully when it shuts down (``ListenStream/end()``).
    case subscription(ListenStream)
    /// `403`: the access token lacks `scope`, which the method needs.
    case insufficientScope(id: JSONRPCID, scope: String)
}

/// The HTTP facts of a POST that the MCP rules look at.
public struct MCPRequestHead: Sendable {
    let header: @Sendable (String) -> String?

    /// - Parameter header: looks a header up by name, case-insensitively; `nil` when absent.
    public init(header: @escaping @Sendable (String) -> String?) {
        self.header = header
    }

    var protocolVersion: String? { self.header(MCPHeader.protocolVersion) }
}
