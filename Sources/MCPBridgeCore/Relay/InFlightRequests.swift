import MCPWire
import NIOConcurrencyHelpers

/// Book-keeping for the relay's child tasks: which requests are in flight (so the host can cancel them), and how
/// many children have finished but not yet been collected from the task group.
final class InFlightRequests: Sendable {
    private struct State {
        /// Set when the host cancels the request.
        var signals: [JSONRPCID: (signal: OneShot<Void>, modern: Bool)] = [:]
        var finishedChildren = 0
    }

    private let state = NIOLockedValueBox(State())

    func register(_ id: JSONRPCID, modern: Bool) -> OneShot<Void> {
        let signal = OneShot<Void>()
        self.state.withLockedValue { $0.signals[id] = (signal, modern) }
        return signal
    }

    func remove(_ id: JSONRPCID, _ signal: OneShot<Void>) {
        self.state.withLockedValue { state in
            if state.signals[id]?.signal === signal { state.signals[id] = nil }
        }
    }

    /// Cancels request `id` at the host's wish. Returns whether it was a 2026-07-28 request (on HTTP those are
    /// cancelled by closing the stream, not by forwarding the notification), or `nil` when it is unknown.
    func cancel(_ id: JSONRPCID) -> Bool? {
        guard let entry = self.state.withLockedValue({ $0.signals[id] }) else { return nil }
        entry.signal.succeed(())
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
