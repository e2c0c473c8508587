import NIOConcurrencyHelpers

/// Changes in this process that `subscriptions/listen` streams report: list changes and resource updates.
///
/// Tools announce changes through ``ToolContext/changes``; code outside a tool call through
/// ``MCPDispatcher/changes``. Nothing is kept for streams that open later: a change reaches the streams open when it
/// is published. Each stream holds at most one pending copy of each change (repeats coalesce), so a slow reader
/// costs a bounded amount however fast changes come.
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

    public init(maxSubscribers: Int) {
        self.maxSubscribers = maxSubscribers
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

    /// How many streams are open.
    public var subscriberCount: Int { self.subscribers.withLockedValue { $0.count } }

    /// A new subscriber, or `nil` when ``maxSubscribers`` are open.
    func subscribe(_ filter: SubscriptionFilter) -> ChangeSubscriber? {
        let subscriber = ChangeSubscriber(filter: filter)
        let admitted = self.subscribers.withLockedValue { subscribers in
            guard subscribers.count < self.maxSubscribers else { return false }
            subscribers[ObjectIdentifier(subscriber)] = subscriber
            return true
        }
        return admitted ? subscriber : nil
    }

    /// Forgets `subscriber` (idempotent).
    func unsubscribe(_ subscriber: ChangeSubscriber) {
        _ = self.subscribers.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
    }
}
