import NIOConcurrencyHelpers

/// Changes in this process that `subscriptions/listen` streams report: list changes and resource updates.
///
/// Tools announce changes through ``ToolContext/changes``; code outside a tool call through
/// ``MCPDispatcher/changes``. Nothing is kept for streams that open later: a change reaches the streams open when it
/// is published. Each stream holds at most one pending copy of each change (repeats coalesce), so a slow reader
/// costs a bounded amount however fast changes come. Open streams are bounded in the process and per client.
public final class ChangeFeed: Sendable {
    /// One change.
    public enum Change: Sendable, Hashable {
        /// `notifications/tools/list_changed`.
        case toolsListChanged
        /// `notifications/prompts/list_changed`.
        case promptsListChanged
        /// `notifications/resources/list_changed`.
        case resourcesListChanged
        /// `notifications/resources/updated` for `uri`.
        case resourceUpdated(uri: String)
    }

    private let subscribers = NIOLockedValueBox([ObjectIdentifier: ChangeSubscriber]())
    /// Open streams at most; one more is refused.
    public let maxSubscribers: Int
    /// Open streams of one client at most; one more is refused.
    public let maxSubscribersPerClient: Int

    public init(maxSubscribers: Int, maxSubscribersPerClient: Int = 8) {
        self.maxSubscribers = maxSubscribers
        self.maxSubscribersPerClient = maxSubscribersPerClient
    }

    /// Tells every open stream that asked for it.
    public func publish(_ change: Change) {
        for subscriber in self.subscribers.withLockedValue({ Array($0.values) }) {
            subscriber.deliver(change)
        }
    }

    /// Ends every open stream gracefully: each sends what is pending, then its completion result.
    public func endSubscriptions() {
        for subscriber in self.subscribers.withLockedValue({ Array($0.values) }) {
            subscriber.end()
        }
    }

    /// Ends the open streams of `client` gracefully (it was deleted); see ``ClientKey/includes(_:)``.
    func endSubscriptions(of client: ClientKey) {
        for subscriber in self.subscribers.withLockedValue({ $0.values.filter { client.includes($0.client) } }) {
            subscriber.end()
        }
    }

    /// How many streams are open.
    public var subscriberCount: Int { self.subscribers.withLockedValue { $0.count } }

    /// What ``subscribe(_:client:)`` did.
    enum Admission {
        case admitted(ChangeSubscriber)
        /// ``maxSubscribers`` streams are open.
        case full
        /// ``maxSubscribersPerClient`` streams of this client are open.
        case clientFull
    }

    /// A new subscriber for `client`, unless a bound is reached.
    func subscribe(_ filter: SubscriptionFilter, client: ClientKey) -> Admission {
        let subscriber = ChangeSubscriber(filter: filter, client: client)
        return self.subscribers.withLockedValue { subscribers in
            // The global bound first: one comparison, and it bounds the walk the per-client count makes.
            guard subscribers.count < self.maxSubscribers else { return .full }
            guard subscribers.values.count(where: { $0.client == client }) < self.maxSubscribersPerClient else {
                return .clientFull
            }
            subscribers[ObjectIdentifier(subscriber)] = subscriber
            return .admitted(subscriber)
        }
    }

    /// Forgets `subscriber` (idempotent).
    func unsubscribe(_ subscriber: ChangeSubscriber) {
        _ = self.subscribers.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
    }
}
