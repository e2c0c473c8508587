#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What a person has allowed a client, remembered so the consent page can be skipped next time.
public struct StoredConsent: Sendable, Hashable {
    public var personID: String
    public var clientID: String
    /// The allowed scopes (OAuth scope tokens: no spaces).
    public var scopes: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(personID: String, clientID: String, scopes: [String], createdAt: Date, updatedAt: Date) {
        self.personID = personID
        self.clientID = clientID
        self.scopes = scopes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
