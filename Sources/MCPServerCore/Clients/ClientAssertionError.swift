/// Why a client assertion was refused; ``description`` is safe for `error_description` (`invalid_client`).
public struct ClientAssertionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
