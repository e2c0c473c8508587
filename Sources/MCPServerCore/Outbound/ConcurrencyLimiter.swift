import NIOConcurrencyHelpers

/// Lets at most ``maxRunning`` holders run at once and at most ``maxWaiting`` more wait in line; anyone past
/// that is refused at once.
///
/// It bounds work that unauthenticated requests can start and that holds something scarce while it runs: a
/// thread stuck in `getaddrinfo`, a bcrypt check on the shared thread pool, a document fetch. A queue without a
/// bound would only move the problem: callers would pile up in it instead, so a full line means "try again".
///
/// Admission is synchronous (``enter()``) and waiting is separate (``wait(for:)``), so whoever holds a place can
/// give it up from any thread (``leave(_:)``), even after the task that asked has gone: a lookup abandoned at its
/// timeout keeps its place until its thread returns, which is what makes the cap bound stuck threads.
///
/// ```swift
/// guard let ticket = limiter.enter() else { throw Busy() }
/// defer { limiter.leave(ticket) }
/// try await limiter.wait(for: ticket)
/// // ... the bounded work ...
/// ```
final class ConcurrencyLimiter: Sendable {
    /// A place, running or in line, from ``ConcurrencyLimiter/enter()``.
    struct Ticket: Sendable, Hashable {
        fileprivate let id: Int
    }

    /// How many holders run at once.
    let maxRunning: Int
    /// How many more may wait for a running place; `0` refuses everything past ``maxRunning``.
    let maxWaiting: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var nextID = 0
        var running: Set<Int> = []
        /// In arrival order; the continuation is set once the holder waits.
        var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>?)] = []
    }

    init(maxRunning: Int, maxWaiting: Int) {
        precondition(maxRunning > 0 && maxWaiting >= 0, "a limiter needs at least one running place")
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
    }

    /// A running place if one is free, else a place in line; `nil` when both are full.
    ///
    /// The caller must ``leave(_:)`` every ticket it gets, whether or not it waited.
    func enter() -> Ticket? {
        self.state.withLockedValue { state in
            let id = state.nextID
            if state.running.count < self.maxRunning {
                state.running.insert(id)
            } else if state.waiting.count < self.maxWaiting {
                state.waiting.append((id, nil))
            } else {
                return nil
            }
            state.nextID &+= 1
            return Ticket(id: id)
        }
    }

    /// Returns once `ticket` holds a running place (at once if it already does).
    ///
    /// - Throws: `CancellationError` when the task is cancelled while the ticket is in line; the ticket then
    ///   gives up its place, so a caller that goes away does not hold up the ones behind it.
    func wait(for ticket: Ticket) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = self.state.withLockedValue { state in
                    if state.running.contains(ticket.id) { return .success(()) }
                    // Not in line either: the cancellation handler already took it out.
                    guard let index = state.waiting.firstIndex(where: { $0.id == ticket.id }) else {
                        return .failure(CancellationError())
                    }
                    // Checked under the lock: a handler that ran before it found no continuation to resume.
                    if Task.isCancelled {
                        state.waiting.remove(at: index)
                        return .failure(CancellationError())
                    }
                    state.waiting[index].continuation = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = self.state.withLockedValue { state in
                state.waiting.firstIndex { $0.id == ticket.id }.flatMap { state.waiting.remove(at: $0).continuation }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Gives up `ticket`'s place; a running place goes to the first in line. Leaving twice does nothing.
    func leave(_ ticket: Ticket) {
        let next = self.state.withLockedValue { state -> CheckedContinuation<Void, any Error>? in
            guard state.running.remove(ticket.id) != nil else {
                state.waiting.removeAll { $0.id == ticket.id }
                return nil
            }
            guard !state.waiting.isEmpty else { return nil }
            let first = state.waiting.removeFirst()
            state.running.insert(first.id)
            return first.continuation
        }
        next?.resume()
    }

    /// `body`, once a running place is free; `refusal` when running places and line are full.
    func run<Value>(
        refusing refusal: @autoclosure () -> any Error,
        _ body: () async throws -> Value
    ) async throws
        -> Value
    {
        guard let ticket = self.enter() else { throw refusal() }
        defer { self.leave(ticket) }
        try await self.wait(for: ticket)
        return try await body()
    }

    /// How many places are taken, running and in line (tests, diagnostics).
    var taken: (running: Int, waiting: Int) {
        self.state.withLockedValue { ($0.running.count, $0.waiting.count) }
    }
}
