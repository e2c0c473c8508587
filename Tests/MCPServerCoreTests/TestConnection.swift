import NIOConcurrencyHelpers

/// The connection a ``StreamingRouter`` request arrives on, as the server's writes see it: the test can drop it (the
/// next write fails, as on a socket the client has gone from) or stall it (writes wait, as for a client that
/// stopped reading, until the server closes the connection).
final class TestConnection: Sendable {
    struct Gone: Error {}

    private struct State {
        var dropped = false
        var stalled = false
        var closedByServer = false
        var stalledWrites: [CheckedContinuation<Void, Never>] = []
        var stallWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// The client is gone: every write from now on fails.
    func drop() {
        self.state.withLockedValue { $0.dropped = true }
    }

    /// The client stops reading: every write from now on waits until the server closes the connection.
    func stall() {
        self.state.withLockedValue { $0.stalled = true }
    }

    /// Whether the server closed the connection (``MCPRequestContext/closeConnection()``).
    var closedByServer: Bool { self.state.withLockedValue { $0.closedByServer } }

    /// Returns once a write is waiting on the stalled connection.
    func writeStalled() async {
        await withCheckedContinuation { continuation in
            let ready = self.state.withLockedValue { state in
                guard state.stalledWrites.isEmpty else { return true }
                state.stallWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// What the server's `closeConnection()` does: waiting writes fail.
    func close() {
        let waiting = self.state.withLockedValue { state in
            state.closedByServer = true
            defer { state.stalledWrites = [] }
            return state.stalledWrites
        }
        for write in waiting { write.resume() }
    }

    /// Lets a write through, or fails it as the connection's state says.
    func admitWrite() async throws {
        let stalled = self.state.withLockedValue { $0.stalled && !$0.closedByServer && !$0.dropped }
        if stalled {
            await withCheckedContinuation { continuation in
                let (resumeAtOnce, waiters) = self.state.withLockedValue { state in
                    guard !state.closedByServer else { return (true, [CheckedContinuation<Void, Never>]()) }
                    state.stalledWrites.append(continuation)
                    defer { state.stallWaiters = [] }
                    return (false, state.stallWaiters)
                }
                for waiter in waiters { waiter.resume() }
                if resumeAtOnce { continuation.resume() }
            }
        }
        let open = self.state.withLockedValue { !$0.dropped && !$0.closedByServer }
        guard open else { throw Gone() }
    }
}
