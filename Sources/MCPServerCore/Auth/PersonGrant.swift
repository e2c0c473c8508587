#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a person's access token carries besides the client: who signed in, when, and the grant family it belongs to.
struct PersonGrant: Sendable, Hashable {
    /// The `sub`.
    var personID: String
    /// The `sid`: the grant family, so revoking the family refuses the token.
    var familyID: String
    /// The `auth_time`.
    var authTime: Date
    /// The token expires no later than this (the family's expiry).
    var notAfter: Date
}

extension PersonGrant {
    /// The grant of a family as it stands.
    init(_ family: StoredGrantFamily) {
        self.init(
            personID: family.personID,
            familyID: family.id,
            authTime: family.authTime,
            notAfter: min(family.idleExpiresAt, family.absoluteExpiresAt)
        )
    }
}
