import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TokenController {
    /// `grant_type=refresh_token` (RFC 6749 §6): a new access token and a new refresh token; the presented one is
    /// spent. Presenting a spent one revokes the family (RFC 9700 §4.14.2). `scope` may narrow the family's scopes,
    /// never widen them; `resource`, when sent, must be the family's. A family made before the person's password
    /// changed or the operator signed them out (another credential version) is revoked, not refreshed.
    func refreshToken(_ request: GrantRequest) async throws -> TokenResponse {
        let client = request.client
        try Self.requireGrant("refresh_token", of: client)
        guard let presented = request.form["refresh_token"], !presented.isEmpty else {
            throw OAuthHTTPError.invalidRequest("refresh_token is required")
        }
        let unknown = Self.invalidGrant("the refresh token is unknown, expired or revoked")
        let store = self.server.store
        // Read first, so a request this server would refuse (scope, resource) does not spend the token.
        guard let familyID = RefreshToken.familyID(of: presented),
            let family = try await store.grantFamily(id: familyID), family.clientID == client.client.id
        else { throw unknown }
        let scopes = try Self.requestedScopes(request, within: OAuthScope.parse(family.scope))
        try Self.checkResource(request, granted: family.resource)
        guard let person = try await store.person(id: family.personID) else {
            try await self.revokeFamily(familyID, reason: "person-deleted", request: request, event: "refresh.refused")
            throw Self.invalidGrant("the person who signed in no longer exists")
        }
        guard person.credentialVersion == family.credentialVersion else {
            try await self.revokeFamily(
                familyID,
                reason: "credentials-changed",
                request: request,
                event: "refresh.refused"
            )
            throw Self.invalidGrant("the person's password changed or they were signed out since this sign-in")
        }
        try await self.server.enforceRateLimit(
            RateLimitKey.token(client: client.client.id, person: person.id),
            perMinute: self.server.configuration.tokenRequestsPerMinutePerClient,
            now: request.now
        )
        let next = RefreshToken.generate(familyID: familyID)
        let rotated: StoredGrantFamily
        switch try await store.rotateRefreshToken(
            familyID: familyID,
            clientID: client.client.id,
            presentedHash: SecretToken.hash(presented),
            newHash: SecretToken.hash(next),
            now: request.now,
            idleLifetime: self.server.configuration.signIn.refreshIdleLifetime
        ) {
        case .refused:
            throw unknown
        case .reused(let family):
            // The store has revoked it; this process's verifier must refuse its access tokens at once too.
            self.server.verifier.familyRevoked(family.id)
            AuditLog.record(
                "refresh.reused",
                outcome: "family-revoked",
                clientID: client.client.id,
                sourceIP: request.ip,
                detail: "family=\(family.id) person=\(family.personID)",
                logger: request.logger
            )
            throw Self.invalidGrant("the refresh token was already used; this sign-in is revoked")
        case .rotated(let family):
            rotated = family
        }
        var response = try await self.server.issueToken(
            clientID: client.client.id,
            scope: scopes.joined(separator: " "),
            urls: request.urls,
            person: PersonGrant(rotated),
            certificateThumbprint: try Self.binding(request),
            now: request.now
        )
        response.refreshToken = next
        Self.audit(request, grant: "refresh_token", person: person.id, family: familyID)
        return response
    }
}
