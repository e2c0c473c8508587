import MCPWire
import NIOConcurrencyHelpers

/// Book-keeping for the relay's child tasks: which requests are in flight (so the host can cancel them), and how
/// many children have finished but not yet been collected from the task group.
final class InFlightRequests: Sendable {
    private struct State {
        var signals: [JSONRPCID: (signal: CancelSignal, modern: Bool)] = [:]
        var finishedChildren = 0
    }

    private let state = NIOLockedValueBox(State())

    func register(_ id: JSONRPCID, modern: Bool) -> CancelSignal {
        let signal = CancelSignal()
        self.state.withLockedValue { $0.signals[id] = (signal, modern) }
        return signal
    }

    func remove(_ id: JSONRPCID, _ signal: CancelSignal) {
        self.state.withLockedValue { state in
            if state.signals[id]?.signal === signal { state.signals[id] = nil }
        }
    }

    /// Cancels request `id` at the host's wish. Returns whether it was a 2026-07-28 request (on HTTP those are
    /// cancelled by closing the stream, not by forwarding the notification), or `nil` when it is unknown.
    func cancel(_ id: JSONRPCID) -> Bool? {
        guard let entry = self.state.withLockedValue({ $0.signals[id] }) else { return nil }
        entry.signal.fire()
        return entry.modern
    }

    func childFinished() {
        self.state.withLockedValue { $0.finishedChildren += 1 }
    }

    /// Takes one finished child off the count; `false` when none is waiting to be collected.
    func takeFinishedChild() -> Bool {
        self.state.withLockedValue { state in
            guard state.finishedChildren > 0 else { return false }
            state.finishedChildren -= 1
            return true
        }
    }
}

/// A one-shot signal a task can await, which also returns when the awaiting task is cancelled.
final class CancelSignal: Sendable {
    private struct State {
        var fired = false
        var waiter: CheckedContinuation<Bool, Never>?
    }

    private let state = NIOLockedValueBox(State())

    func fire() {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// `true` when fired, `false` when the waiting task was cancelled first.
    func wait() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let fired = self.state.withLockedValue { state -> Bool in
                    if state.fired || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if fired { continuation.resume(returning: self.state.withLockedValue { $0.fired }) }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: false)
        }
    }
}
