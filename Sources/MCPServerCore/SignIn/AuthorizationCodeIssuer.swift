#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Makes an authorization code and stores only its hash, bound to everything `/token` checks the redemption
/// against (client, exact redirect URI, PKCE challenge, resource, scopes) and to a new grant family, so that a
/// second use of the code can revoke whatever the first one issued.
struct AuthorizationCodeIssuer: Sendable {
    let store: any ServerStore
    /// ``SignInConfiguration/codeLifetime``.
    let lifetime: Duration

    /// - Returns: the code, to send to the client once; it is never stored or logged.
    func issue(for pending: PendingAuthorization, personID: String, authTime: Date, now: Date) async throws -> String {
        let code = SecretToken.generate()
        try await self.store.insertAuthorizationCode(
            StoredAuthorizationCode(
                codeHash: SecretToken.hash(code),
                clientID: pending.clientID,
                personID: personID,
                redirectURI: pending.redirectURI,
                scope: pending.scopes.joined(separator: " "),
                resource: pending.resource,
                codeChallenge: pending.codeChallenge,
                familyID: SecretToken.generate(byteCount: 16),
                authTime: authTime,
                createdAt: now,
                expiresAt: now.addingTimeInterval(TimeInterval(self.lifetime.components.seconds))
            )
        )
        return code
    }
}
