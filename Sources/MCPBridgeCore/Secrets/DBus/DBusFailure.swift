/// What went wrong talking to a D-Bus peer. It stays inside the D-Bus client: ``SecretServiceStore`` turns it into
/// a ``BridgeError`` that says what the bridge was doing.
enum DBusFailure: Error, Equatable, CustomStringConvertible {
    /// The peer answered with a D-Bus error (`org.freedesktop.DBus.Error.ServiceUnknown`, ...).
    case remote(name: String, message: String)
    /// Bytes that are not a D-Bus message this client accepts, or a message over the size cap.
    case malformed(String)
    /// The bus address, the socket or the authentication failed, or the bus closed the connection.
    case transport(String)
    /// No answer before the deadline.
    case timeout(String)

    var description: String {
        switch self {
        case .remote(let name, let message): message.isEmpty ? name : "\(name): \(message)"
        case .malformed(let detail): "malformed D-Bus message: \(detail)"
        case .transport(let detail): detail
        case .timeout(let detail): detail
        }
    }
}
