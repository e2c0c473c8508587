import NIOConcurrencyHelpers

/// A value set once that any number of tasks can await: the answer to a request sent over the legacy transport,
/// the endpoint a legacy stream announces, the host's cancellation of a request.
///
/// The value may be set before anyone waits (an answer can arrive on the stream while its POST is still
/// returning), and setting it again is ignored, so whoever gets there first decides the outcome.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var outcome: Result<Value, any Error>?
        var waiters: [Int: CheckedContinuation<Value, any Error>] = [:]
        var nextWaiter = 0
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Whether the outcome is set.
    var isSet: Bool { self.state.withLockedValue { $0.outcome != nil } }

    /// Sets the outcome and wakes every waiter. Returns `false`, changing nothing, when it was already set.
    @discardableResult
    func complete(_ outcome: Result<Value, any Error>) -> Bool {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Value, any Error>]? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(with: outcome) }
        return true
    }

    /// Sets the value; see ``complete(_:)``.
    @discardableResult
    func succeed(_ value: Value) -> Bool { self.complete(.success(value)) }

    /// Sets the outcome to `error`; see ``complete(_:)``.
    @discardableResult
    func fail(_ error: any Error) -> Bool { self.complete(.failure(error)) }

    /// The value, once set. A waiter whose task is cancelled first gets `CancellationError`; the outcome stays
    /// open for the others.
    var value: Value {
        get async throws {
            let id = self.state.withLockedValue { state in
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                    // Checked under the lock: a cancellation that lands before the waiter is registered finds
                    // nothing to resume, so it is noticed here instead.
                    let ready = self.state.withLockedValue { state -> Result<Value, any Error>? in
                        if let outcome = state.outcome { return outcome }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state.waiters[id] = continuation
                        return nil
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } onCancel: {
                let waiter = self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }
                waiter?.resume(throwing: CancellationError())
            }
        }
    }
}
