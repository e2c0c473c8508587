public import Hummingbird
import JWTKit
import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /revoke` (RFC 7009): a client revokes one of its own tokens.
///
/// Clients authenticate as at `/token` (``ClientAuthentication``; a public client names itself with `client_id`).
/// - A refresh token of the client revokes its grant family: the refresh token and every access token issued from
///   it (their `sid`).
/// - An access token of the client (signed here, expired or not) is refused from then on (its `jti` is recorded
///   until its `exp`); a person's access token also revokes its family, as RFC 7009 §2.1 suggests.
/// - Anything else (another client's token, an unknown or malformed one) is answered 200 and changes nothing
///   (§2.2), so the answer tells nobody whether a token exists.
///
/// `token_type_hint` only orders the lookups; a wrong hint does not stop one (§2.1).
public struct RevocationController: Sendable {
    let server: AuthorizationServer

    public init(server: AuthorizationServer) {
        self.server = server
    }

    public func addRoutes<Context: MCPRequestContext>(to group: RouterGroup<Context>) {
        group.post(use: self.revoke)
    }

    /// What a revocation found.
    private enum Outcome: String {
        case refreshToken = "refresh-token"
        case accessToken = "access-token"
        case nothing
    }

    @Sendable func revoke(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        var request = request
        let ip = context.clientIPAddress
        var clientID: String?
        do {
            let form = try await OAuthForm.read(&request)
            clientID = ClientAuthentication.auditableID(ClientAuthentication.namedID(request.headers, form))
            let now = self.server.now()
            let client = try await ClientAuthentication(server: self.server).authenticate(
                headers: request.headers,
                form: form,
                certificate: await context.clientCertificateDER(),
                urls: context.urls,
                now: now
            )
            guard let token = form["token"], !token.isEmpty else {
                throw OAuthHTTPError.invalidRequest("token is required")
            }
            var outcome = Outcome.nothing
            var family: String?
            // Refresh tokens are `<family>.<secret>`, access tokens JWTs (three parts): the shape decides, the hint
            // only what is tried first, and each lookup is cheap.
            let lookups: [Outcome] =
                form["token_type_hint"] == "access_token"
                ? [.accessToken, .refreshToken] : [.refreshToken, .accessToken]
            for lookup in lookups where outcome == .nothing {
                switch lookup {
                case .refreshToken:
                    family = try await self.revokeRefreshToken(token, of: client.client.id, now: now)
                    if family != nil { outcome = .refreshToken }
                case .accessToken:
                    if let revoked = try await self.revokeAccessToken(
                        token,
                        of: client.client.id,
                        urls: context.urls,
                        now: now
                    ) {
                        outcome = .accessToken
                        family = revoked.family
                    }
                case .nothing:
                    break
                }
            }
            AuditLog.record(
                "token.revoked",
                outcome: outcome.rawValue,
                clientID: client.client.id,
                sourceIP: ip,
                detail: family.map { "family=\($0)" },
                logger: context.logger
            )
            return OAuthHTTPError.response(.ok, [String: String]())
        } catch var error as OAuthHTTPError {
            // Failures count per address, as at /token.
            if error.status != .tooManyRequests,
                let refusal = try await self.server.countRateLimit(
                    RateLimitKey.tokenFailure(ip: ip),
                    perMinute: self.server.configuration.tokenFailuresPerMinutePerIP
                )
            {
                error = refusal
            }
            AuditLog.record(
                "revocation.refused",
                outcome: error.code,
                clientID: clientID,
                sourceIP: ip,
                detail: error.detail.map { String($0.prefix(200)) },
                logger: context.logger
            )
            throw error
        }
    }

    /// Revokes the family of `token` when it is a refresh token of `clientID` (current, or one rotated away); the
    /// family id, or `nil` when it is not.
    private func revokeRefreshToken(_ token: String, of clientID: String, now: Date) async throws -> String? {
        guard let familyID = RefreshToken.familyID(of: token),
            let family = try await self.server.store.grantFamily(id: familyID), family.clientID == clientID
        else { return nil }
        let hash = Array(SecretToken.hash(token).utf8)
        let known = ([family.currentTokenHash].compactMap { $0 } + family.recentTokenHashes).contains {
            SecretToken.constantTimeEquals(Array($0.utf8), hash)
        }
        guard known else { return nil }
        _ = try await self.server.store.revokeGrantFamily(id: familyID, reason: "revoked", now: now)
        self.server.verifier.familyRevoked(familyID)
        return familyID
    }

    /// Refuses `token` from now on when it is an access token this server signed for `clientID`, and revokes its
    /// family when it is a person's; `nil` when it is not such a token.
    private func revokeAccessToken(
        _ token: String,
        of clientID: String,
        urls: ServerURLs,
        now: Date
    ) async throws -> (tokenID: String, family: String?)? {
        guard let claims = await self.server.verifier.signedClaims(token, urls: urls), claims.clientID == clientID
        else { return nil }
        let tokenID = claims.id.value
        // Until it expires; after that the verifier refuses it anyway, and the record may go.
        if claims.expiration.value > now {
            _ = try await self.server.store.claimOnce(
                key: TokenVerifier.revocationKey(tokenID: tokenID),
                expiresAt: claims.expiration.value,
                now: now
            )
        }
        self.server.verifier.tokenRevoked(id: tokenID)
        guard let familyID = claims.sessionID else { return (tokenID, nil) }
        _ = try await self.server.store.revokeGrantFamily(id: familyID, reason: "revoked", now: now)
        self.server.verifier.familyRevoked(familyID)
        return (tokenID, familyID)
    }
}
