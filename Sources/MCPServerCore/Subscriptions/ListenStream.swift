public import MCPWire

/// The answer to one 2026-07-28 `subscriptions/listen`: an SSE stream whose messages are made while the host writes
/// them.
///
/// First `notifications/subscriptions/acknowledged`, then the change notifications the client opted into, each with
/// `_meta["io.modelcontextprotocol/subscriptionId"]`, keep-alive comments while it is quiet, and, when the server
/// ends it (``end()``, the feed's ``ChangeFeed/endSubscriptions()``, its lifetime, or the expiry of the access token
/// it was opened with), the completion result. The client closing the stream cancels it; nothing more is sent then.
public final class ListenStream: Sendable {
    /// One thing to write.
    public enum Frame: Sendable, Hashable {
        /// A JSON-RPC message: an SSE event.
        case message(JSONValue)
        /// An SSE comment line that keeps a quiet connection open.
        case keepAlive
    }

    let subscriptionID: JSONRPCID
    let completion: JSONValue
    let subscriber: ChangeSubscriber
    let feed: ChangeFeed
    /// How long until the server ends the stream.
    let lifetime: Duration
    let keepAliveInterval: Duration

    init(
        subscriptionID: JSONRPCID,
        completion: JSONValue,
        subscriber: ChangeSubscriber,
        feed: ChangeFeed,
        lifetime: Duration,
        keepAliveInterval: Duration
    ) {
        self.subscriptionID = subscriptionID
        self.completion = completion
        self.subscriber = subscriber
        self.feed = feed
        self.lifetime = lifetime
        self.keepAliveInterval = keepAliveInterval
    }

    /// The first message. Made when it is written, not kept: the filter it repeats is held once, by the subscriber.
    private var acknowledgement: JSONValue {
        JSONRPCNotification(
            method: MCPMethod.subscriptionsAcknowledgedNotification,
            params: [
                "_meta": [MCPMetaKey.subscriptionId: self.subscriptionID.json],
                MCPSubscriptionFilterKey.notifications: self.subscriber.filter.json,
            ]
        ).json
    }

    deinit {
        // A stream the host never ran still gives its place back.
        self.feed.unsubscribe(self.subscriber)
    }

    /// Writes the stream until it ends: returns after the completion result, or when the task is cancelled.
    ///
    /// A `write` that cannot finish (the client stopped reading) holds the stream here; the host bounds each write
    /// (``InteractionLimits/writeTimeout``), and its failure ends the stream.
    /// - Throws: whatever `write` throws (the connection is gone); the stream is over then too.
    public func run(_ write: (Frame) async throws -> Void) async throws {
        defer { self.feed.unsubscribe(self.subscriber) }
        try await write(.message(self.acknowledgement))
        try await withThrowingDiscardingTaskGroup { group in
            let subscriber = self.subscriber
            let keepAliveInterval = self.keepAliveInterval
            let lifetime = self.lifetime
            // Timers only: they ask the mailbox for a keep-alive or the end, and the loop below does all writing.
            group.addTask {
                while (try? await Task.sleep(for: keepAliveInterval)) != nil {
                    subscriber.requestKeepAlive()
                }
            }
            group.addTask {
                guard (try? await Task.sleep(for: lifetime)) != nil else { return }
                subscriber.end()
            }
            loop: while true {
                switch await subscriber.next() {
                case .changes(let changes):
                    for change in changes { try await write(.message(self.notification(change))) }
                case .keepAlive:
                    try await write(.keepAlive)
                case .end:
                    try await write(.message(self.completion))
                    break loop
                case .cancelled:
                    break loop
                }
            }
            group.cancelAll()
        }
    }

    /// Ends the stream gracefully: what is pending, then the completion result.
    public func end() {
        self.subscriber.end()
    }

    private func notification(_ change: ChangeFeed.Change) -> JSONValue {
        var params: [String: JSONValue] = ["_meta": [MCPMetaKey.subscriptionId: self.subscriptionID.json]]
        let method: String
        switch change {
        case .toolsListChanged: method = MCPMethod.toolsListChangedNotification
        case .promptsListChanged: method = MCPMethod.promptsListChangedNotification
        case .resourcesListChanged: method = MCPMethod.resourcesListChangedNotification
        case .resourceUpdated(let uri):
            method = MCPMethod.resourcesUpdatedNotification
            params["uri"] = .string(uri)
        }
        return JSONRPCNotification(method: method, params: params).json
    }
}
