import NIOConcurrencyHelpers

/// A per-client budget of uses per window, in memory: for a built-in tool whose effect reaches other clients
/// (`bump` notifies every listener), where the store's limits would cost a write per call.
///
/// Fixed windows per client, at most ``maxClients`` of them tracked; when that many are in use at once, new clients
/// are refused until windows expire (refusing is the safe side for a tool whose effect is amplified).
final class ClientRateLimiter: Sendable {
    private struct Window {
        var started: ContinuousClock.Instant
        var used: Int
    }

    let limit: Int
    let window: Duration
    let maxClients: Int
    private let windows = NIOLockedValueBox([ClientKey: Window]())

    init(limit: Int, window: Duration, maxClients: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.maxClients = maxClients
    }

    /// Counts one use by `client`; `false` when its budget for the current window is spent (or no room is left to
    /// track it).
    func allow(_ client: ClientKey, now: ContinuousClock.Instant = .now) -> Bool {
        self.windows.withLockedValue { windows in
            if var current = windows[client], now - current.started < self.window {
                guard current.used < self.limit else { return false }
                current.used += 1
                windows[client] = current
                return true
            }
            if windows[client] == nil, windows.count >= self.maxClients {
                windows = windows.filter { now - $0.value.started < self.window }
                guard windows.count < self.maxClients else { return false }
            }
            windows[client] = Window(started: now, used: 1)
            return true
        }
    }
}
