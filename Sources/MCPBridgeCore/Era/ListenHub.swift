import MCPWire
import NIOConcurrencyHelpers

/// The `subscriptions/listen` streams a modern host holds open with the bridge in front of a legacy server, and
/// which of the server's change notifications each one asked for.
final class ListenHub: Sendable {
    struct Subscription: Sendable {
        let id: JSONRPCID
        /// The honoured `notifications` filter.
        let filter: JSONValue
        let sink: any ServerMessageSink
    }

    /// By the signal that ends each stream: a host reusing a listen id gets two streams, not one overwritten.
    private let subscriptions = NIOLockedValueBox<[ObjectIdentifier: (Subscription, OneShot<Void>)]>([:])
    /// Most streams at once; a host past it gets an error.
    static let limit = 16
    /// Most resources one stream subscribes to (each is a request upstream).
    static let maxResourcesPerStream = 64

    /// Adds a stream; the returned signal is set when the bridge ends it. `nil` when too many are open.
    func add(_ subscription: Subscription) -> OneShot<Void>? {
        let ended = OneShot<Void>()
        let added = self.subscriptions.withLockedValue { subscriptions -> Bool in
            guard subscriptions.count < Self.limit else { return false }
            subscriptions[ObjectIdentifier(ended)] = (subscription, ended)
            return true
        }
        return added ? ended : nil
    }

    func remove(_ ended: OneShot<Void>) {
        _ = self.subscriptions.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(ended)) }
    }

    /// Ends every stream (each then gets its completion result).
    func endAll() {
        let all = self.subscriptions.withLockedValue { Array($0.values) }
        for (_, ended) in all { ended.succeed(()) }
    }

    /// Delivers a change notification to every stream that asked for it, tagged with the stream's id. Returns
    /// whether it was a change notification (delivered or not), which belongs to listen streams only.
    func publish(_ notification: JSONRPCNotification) -> Bool {
        let key: String
        switch notification.method {
        case ModernWire.toolsListChanged: key = "toolsListChanged"
        case ModernWire.promptsListChanged: key = "promptsListChanged"
        case ModernWire.resourcesListChanged: key = "resourcesListChanged"
        case ModernWire.resourcesUpdated: key = "resourceSubscriptions"
        default: return false
        }
        let uri = notification.params?["uri"]?.stringValue
        let targets = self.subscriptions.withLockedValue { $0.values.map(\.0) }
        for subscription in targets {
            if key == "resourceSubscriptions" {
                guard let uri, subscription.filter[key]?.arrayValue?.contains(.string(uri)) == true else { continue }
            } else {
                guard subscription.filter[key]?.boolValue == true else { continue }
            }
            var params = notification.params ?? [:]
            var meta = params["_meta"]?.objectValue ?? [:]
            meta[ModernWire.subscriptionID] = subscription.id.json
            params["_meta"] = .object(meta)
            subscription.sink.send(.notification(JSONRPCNotification(method: notification.method, params: params)))
        }
        return true
    }
}
