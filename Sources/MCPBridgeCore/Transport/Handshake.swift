import MCPWire

/// The host's `initialize` and `notifications/initialized`, kept so that a session the server lost (a restart,
/// an expiry, a broken legacy stream) can be started again in the host's own words, without the host knowing.
struct Handshake: Sendable {
    var initialize: HostMessage?
    var initialized: HostMessage?

    /// Keeps `message` when it is one of the two.
    mutating func record(_ message: HostMessage) {
        switch message.method {
        case MCPMethod.initialize: self.initialize = message
        case MCPMethod.initializedNotification: self.initialized = message
        default: break
        }
    }
}
