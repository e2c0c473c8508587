/// Who a per-client bound counts against: the access token's client, or, with authentication off, the caller's
/// address (the nearest thing to a client there is then).
///
/// Also who may answer, cancel or end what a client started: only the same key.
enum ClientKey: Sendable, Hashable, CustomStringConvertible {
    case client(String)
    case address(String?)

    init(authorization: MCPAuthorization?, address: String?) {
        if let authorization {
            self = .client(authorization.clientID)
        } else {
            self = .address(address)
        }
    }

    var description: String {
        switch self {
        case .client(let id): "client \(id)"
        case .address(let address): "address \(address ?? "unknown")"
        }
    }
}
