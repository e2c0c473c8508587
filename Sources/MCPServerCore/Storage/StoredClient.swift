public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A registered OAuth client as the store keeps it. Secrets exist only as hashes.
public struct StoredClient: Sendable, Hashable {
    /// The server-generated `client_id`.
    public var id: String
    /// Hash of the `client_secret` (never the secret itself).
    public var secretHash: String
    /// Hash of the RFC 7592 `registration_access_token`.
    public var registrationTokenHash: String
    /// The registered metadata (RFC 7591 fields), as accepted.
    public var metadata: JSONValue
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        secretHash: String,
        registrationTokenHash: String,
        metadata: JSONValue,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.secretHash = secretHash
        self.registrationTokenHash = registrationTokenHash
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
