public import MCPWire

/// What the MCP endpoint answers, independent of the HTTP library that carries it.
public enum MCPReply: Sendable {
    /// `202 Accepted`, empty body: a notification or a response was taken.
    case accepted
    /// One JSON-RPC message as `application/json` with this HTTP status.
    case message(status: Int, JSONValue)
    /// `200` with `text/event-stream`: notifications (and, in the legacy era, requests to the client), then the
    /// response, then the end of the stream; the host adds keep-alive comments while it is quiet.
    /// Ending the iteration early (the client went away) cancels the request's work.
    case stream(AsyncStream<JSONValue>)
    /// `200` with `text/event-stream` that stays open: a 2026-07-28 `subscriptions/listen` stream, which the host
    /// runs (``ListenStream/run(_:)``) and ends gracefully when it shuts down (``ListenStream/end()``).
    case subscription(ListenStream)
    /// `403`: the access token lacks `scope`, which the method needs.
    case insufficientScope(id: JSONRPCID, scope: String)
    /// One JSON-RPC error message with `status` (`429` when the caller reached its own bound, `503` when the server
    /// is full) and `Retry-After`.
    case retryLater(status: Int, JSONValue, retryAfterSeconds: Int)
}

/// The HTTP facts of a POST that the MCP rules look at.
public struct MCPRequestHead: Sendable {
    let header: @Sendable (String) -> String?
    /// The caller's address (``MCPRequestContext/clientIPAddress``): with authentication off, per-client bounds
    /// count against it.
    let clientAddress: String?
    /// The request's MCP URL (``ServerURLs/resource``): what 2026-07-28 request state is bound to.
    let resource: String

    /// - Parameters:
    ///   - header: looks a header up by name, case-insensitively; `nil` when absent.
    ///   - clientAddress: the caller's address, when known.
    ///   - resource: the MCP URL the request was sent to.
    public init(
        header: @escaping @Sendable (String) -> String?,
        clientAddress: String? = nil,
        resource: String = ""
    ) {
        self.header = header
        self.clientAddress = clientAddress
        self.resource = resource
    }

    var protocolVersion: String? { self.header(MCPHeader.protocolVersion) }
}
