import HTTPTypes
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TokenController {
    /// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5): `code`, the exact `redirect_uri` of the
    /// authorization request, and the PKCE `code_verifier`; `resource`, when sent, must be the code's.
    ///
    /// The code is redeemed once; a second redemption revokes the grant family the first one started (RFC 9700
    /// §4.5). The exchange starts that family: a refresh token when the client registered the `refresh_token` grant,
    /// and an access token whose `sub` is the person and `sid` the family. The family carries the person's
    /// credential version, so a later password change or sign-out ends it.
    ///
    /// The second redemption can land after the first consumed the code but before it stored the family; revoking
    /// then finds nothing. So reuse first marks the family revoked-to-be (``revokedFamilyKey(_:)``), and the first
    /// exchange, once its family is stored, checks that mark and revokes the family itself. In whatever order the two
    /// requests' store calls interleave, one of them sees the other's write.
    func authorizationCode(_ request: GrantRequest) async throws -> TokenResponse {
        let client = request.client
        try Self.requireGrant("authorization_code", of: client)
        // Missing parameters are refused before the code is touched, so a malformed request does not burn it.
        guard let code = request.form["code"], !code.isEmpty else {
            throw OAuthHTTPError.invalidRequest("code is required")
        }
        guard let redirectURI = request.form["redirect_uri"] else {
            throw OAuthHTTPError.invalidRequest("redirect_uri is required (the one of the authorization request)")
        }
        guard let verifier = request.form["code_verifier"], !verifier.isEmpty else {
            throw OAuthHTTPError.invalidRequest("code_verifier is required (PKCE)")
        }
        let store = self.server.store
        let redeemed: StoredAuthorizationCode
        switch try await store.redeemAuthorizationCode(
            hash: SecretToken.hash(code),
            clientID: client.client.id,
            now: request.now
        ) {
        case .unknown:
            throw Self.invalidGrant("the code is unknown, expired, or was issued to another client")
        case .reused(let used):
            // Marked before revoking: a first exchange still in flight stores its family after this revocation
            // (which then finds nothing) and must see the mark. Kept as long as that family could live.
            _ = try await store.claimOnce(
                key: Self.revokedFamilyKey(used.familyID),
                expiresAt: request.now + Self.seconds(self.server.configuration.signIn.refreshAbsoluteLifetime),
                now: request.now
            )
            try await self.revokeFamily(used.familyID, reason: "code-reuse", request: request, event: "code.reused")
            throw Self.invalidGrant("the code was already used; the tokens issued for it are revoked")
        case .redeemed(let code):
            redeemed = code
        }
        // Checked after redemption, so a wrong guess burns the code rather than leaving it to be guessed again.
        guard redeemed.redirectURI == redirectURI else {
            throw Self.invalidGrant("redirect_uri differs from the one of the authorization request")
        }
        let proof = PKCE.verify(verifier: verifier, challenge: redeemed.codeChallenge)
        if let error = proof.errorCode {
            throw OAuthHTTPError(.badRequest, error, "code_verifier does not match the code_challenge")
        }
        try Self.checkResource(request, granted: redeemed.resource)
        guard let person = try await store.person(id: redeemed.personID) else {
            throw Self.invalidGrant("the person who signed in no longer exists")
        }
        try await self.server.enforceRateLimit(
            RateLimitKey.token(client: client.client.id, person: person.id),
            perMinute: self.server.configuration.tokenRequestsPerMinutePerClient,
            now: request.now
        )
        let lifetimes = self.server.configuration.signIn
        let refreshToken =
            (client.metadata.grantTypes?.contains("refresh_token") ?? false)
            ? RefreshToken.generate(familyID: redeemed.familyID) : nil
        let absoluteExpiry = request.now + Self.seconds(lifetimes.refreshAbsoluteLifetime)
        let family = StoredGrantFamily(
            id: redeemed.familyID,
            clientID: client.client.id,
            personID: person.id,
            credentialVersion: person.credentialVersion,
            scope: redeemed.scope,
            resource: redeemed.resource,
            authTime: redeemed.authTime,
            currentTokenHash: refreshToken.map(SecretToken.hash),
            createdAt: request.now,
            lastUsedAt: request.now,
            idleExpiresAt: min(request.now + Self.seconds(lifetimes.refreshIdleLifetime), absoluteExpiry),
            absoluteExpiresAt: absoluteExpiry
        )
        try await store.insertGrantFamily(family)
        // A second redemption of this code ran meanwhile and found no family to revoke: revoke it now, issue nothing.
        if try await store.isClaimed(key: Self.revokedFamilyKey(family.id), now: request.now) {
            try await self.revokeFamily(family.id, reason: "code-reuse", request: request, event: "code.reused")
            throw Self.invalidGrant("the code was used twice; the tokens issued for it are revoked")
        }
        var response = try await self.server.issueToken(
            clientID: client.client.id,
            scope: redeemed.scope,
            urls: request.urls,
            person: PersonGrant(family),
            certificateThumbprint: try Self.binding(request),
            now: request.now
        )
        response.refreshToken = refreshToken
        Self.audit(request, grant: "authorization_code", person: person.id, family: family.id)
        return response
    }

    /// Revokes a grant family (the store, and this process's verifier at once) and writes the audit line.
    func revokeFamily(_ familyID: String, reason: String, request: GrantRequest, event: String) async throws {
        let revoked = try await self.server.store.revokeGrantFamily(id: familyID, reason: reason, now: request.now)
        self.server.verifier.familyRevoked(familyID)
        AuditLog.record(
            event,
            outcome: revoked ? "family-revoked" : "nothing-to-revoke",
            clientID: request.client.client.id,
            sourceIP: request.ip,
            detail: "family=\(familyID) reason=\(reason)",
            logger: request.logger
        )
    }

    /// The single-use marker (``SignInStore/claimOnce(key:expiresAt:now:)``) that says family `familyID` must be
    /// revoked as soon as it exists: its code was redeemed twice.
    static func revokedFamilyKey(_ familyID: String) -> String { "revoked-family:" + familyID }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
