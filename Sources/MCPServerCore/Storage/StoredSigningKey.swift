#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A JWT signing key as the store keeps it.
public struct StoredSigningKey: Sendable, Hashable {
    /// The `kid`.
    public var id: String
    /// The JWS algorithm, for example `ES256`.
    public var algorithm: String
    /// The private key (PEM). Secret: it never leaves the server.
    public var privateKeyPEM: String
    public var createdAt: Date
    /// When the key stopped signing; it still verifies tokens issued before.
    public var retiredAt: Date?

    public init(id: String, algorithm: String, privateKeyPEM: String, createdAt: Date, retiredAt: Date? = nil) {
        self.id = id
        self.algorithm = algorithm
        self.privateKeyPEM = privateKeyPEM
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}
