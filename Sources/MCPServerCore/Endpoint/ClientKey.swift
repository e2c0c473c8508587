/// Who a per-client bound counts against: the access token's client, and its person for a person's token (one public
/// client, such as Claude Code, is shared by many people); or, with authentication off, the caller's address (the
/// nearest thing to a client there is then).
///
/// Also who may answer, cancel or end what a client started: only the same key.
enum ClientKey: Sendable, Hashable, CustomStringConvertible {
    case client(String, person: String?)
    case address(String?)

    init(authorization: MCPAuthorization?, address: String?) {
        if let authorization {
            self = .client(authorization.clientID, person: authorization.person?.id)
        } else {
            self = .address(address)
        }
    }

    /// Everything of a removed client, whoever signed in through it.
    static func everyone(of clientID: String) -> Self { .client(clientID, person: nil) }

    /// Whether what `other` started ends with this key's removal: the same key, or a person's key under a removed
    /// client (``everyone(of:)``).
    func includes(_ other: ClientKey) -> Bool {
        switch (self, other) {
        case (.client(let id, nil), .client(let otherID, _)): id == otherID
        default: self == other
        }
    }

    var description: String {
        switch self {
        case .client(let id, nil): "client \(id)"
        case .client(let id, let person?): "client \(id) person \(person)"
        case .address(let address): "address \(address ?? "unknown")"
        }
    }
}
