import NIOConcurrencyHelpers

/// The mailbox of one listen stream: the changes it asked for that it has not written yet, whether a keep-alive is
/// due, whether the server ended it. One reader (the stream) takes them in that order of priority.
///
/// Pending changes are a set in arrival order, so a burst of the same change is written once and the mailbox never
/// holds more than ``SubscriptionFilter/maxPending`` entries. Once ended it takes no more changes: what is pending
/// is written once, then the end, so a steady flow of changes cannot keep an ended stream open.
final class ChangeSubscriber: Sendable {
    enum Next: Sendable, Hashable {
        case changes([ChangeFeed.Change])
        case keepAlive
        /// The server ended the stream: write the completion result.
        case end
        /// The reader's task was cancelled (the client went away).
        case cancelled
    }

    private struct State {
        var pending: [ChangeFeed.Change] = []
        var keepAliveDue = false
        var ended = false
        var cancelled = false
        var waiter: CheckedContinuation<Next, Never>?

        /// What the reader gets now, if anything; taking it clears it. After the end, nothing new arrives (see
        /// ``ChangeSubscriber/deliver(_:)``), so the pending changes come out once and the end right after.
        mutating func take() -> Next? {
            if self.cancelled { return .cancelled }
            if !self.pending.isEmpty {
                defer { self.pending = [] }
                return .changes(self.pending)
            }
            if self.ended { return .end }
            if self.keepAliveDue {
                self.keepAliveDue = false
                return .keepAlive
            }
            return nil
        }

        /// Hands the next item to a waiting reader.
        mutating func wake() -> (CheckedContinuation<Next, Never>, Next)? {
            guard let waiter = self.waiter, let next = self.take() else { return nil }
            self.waiter = nil
            return (waiter, next)
        }
    }

    let filter: SubscriptionFilter
    /// Whose stream this is: what the per-client bound counts, and what a client's removal ends.
    let client: ClientKey
    private let state = NIOLockedValueBox(State())

    init(filter: SubscriptionFilter, client: ClientKey) {
        self.filter = filter
        self.client = client
    }

    func deliver(_ change: ChangeFeed.Change) {
        guard self.filter.wants(change) else { return }
        self.update { state in
            guard !state.ended else { return }
            if !state.pending.contains(change) { state.pending.append(change) }
        }
    }

    func requestKeepAlive() {
        self.update { $0.keepAliveDue = true }
    }

    func end() {
        self.update { $0.ended = true }
    }

    /// Waits for the next thing to write.
    func next() async -> Next {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: Next? = self.state.withLockedValue { state in
                    if let next = state.take() { return next }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.update { $0.cancelled = true }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let wake = self.state.withLockedValue { state in
            change(&state)
            return state.wake()
        }
        if let (waiter, next) = wake { waiter.resume(returning: next) }
    }
}
