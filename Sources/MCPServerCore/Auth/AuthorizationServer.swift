import Foundation
import JWTKit
import Logging
public import MCPWire

/// Everything the OAuth endpoints and the `/mcp` guard share: configuration, URLs, keys and the store.
public struct AuthorizationServer: Sendable {
    public let configuration: AuthConfiguration
    public let urls: ServerURLs
    public let store: any ServerStore
    public let keyRing: KeyRing
    public let verifier: TokenVerifier
    public let registry: ClientRegistry

    public init(configuration: AuthConfiguration, urls: ServerURLs, store: any ServerStore, keyRing: KeyRing) {
        self.configuration = configuration
        self.urls = urls
        self.store = store
        self.keyRing = keyRing
        self.verifier = TokenVerifier(
            keyRing: keyRing,
            store: store,
            urls: urls,
            clientRecheckInterval: configuration.clientRecheckInterval
        )
        self.registry = ClientRegistry(store: store, urls: urls)
    }

    /// Issues an access token for `client` (already authenticated) with `scope`.
    func issueToken(for client: StoredClient, scope: String, now: Date = Date()) async throws -> TokenResponse {
        // Whole seconds: NumericDate may be fractional, but some verifiers expect integers.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let lifetime = self.configuration.tokenLifetimeSeconds
        let claims = AccessTokenClaims(
            issuer: .init(value: self.urls.issuer),
            subject: .init(value: client.id),
            audience: .init(value: [self.urls.resource]),
            expiration: .init(value: now.addingTimeInterval(TimeInterval(lifetime))),
            issuedAt: .init(value: now),
            id: .init(value: SecretToken.generate(byteCount: 16)),
            clientID: client.id,
            scope: scope
        )
        let token = try await self.keyRing.sign(claims)
        return TokenResponse(accessToken: token, expiresIn: lifetime, scope: scope)
    }

    /// Counts a hit against a per-minute limit; throws 429 with `Retry-After` past it.
    func enforceRateLimit(_ key: String, perMinute limit: Int, now: Date = Date()) async throws {
        let decision = try await self.store.consumeRateLimit(key: key, limit: limit, window: .seconds(60), now: now)
        guard decision.allowed else {
            throw OAuthHTTPError.tooManyRequests(
                retryAfterSeconds: Int(decision.resetAt.timeIntervalSince(now).rounded(.up))
            )
        }
    }

    /// The RFC 9728 document.
    public var protectedResourceMetadata: ProtectedResourceMetadata {
        ProtectedResourceMetadata(
            resource: self.urls.resource,
            authorizationServers: [self.urls.issuer],
            scopesSupported: OAuthScope.all,
            resourceName: "remote-mcp"
        )
    }

    /// The RFC 8414 document; it names only endpoints that exist under the current configuration.
    public var authorizationServerMetadata: AuthorizationServerMetadata {
        AuthorizationServerMetadata(
            issuer: self.urls.issuer,
            // Present because common MCP SDKs refuse metadata without it; it answers unsupported_response_type.
            authorizationEndpoint: self.urls.authorization,
            tokenEndpoint: self.urls.token,
            registrationEndpoint: self.configuration.registration == .closed ? nil : self.urls.registration,
            jwksURI: self.keyRing.algorithm == "HS256" ? nil : self.urls.jwks,
            scopesSupported: OAuthScope.all,
            responseTypesSupported: [],
            grantTypesSupported: ["client_credentials"],
            tokenEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post"]
        )
    }
}

/// Audit lines: one per security-relevant event, with who, from where, and the outcome. Never a secret.
enum AuditLog {
    static func record(
        _ event: String,
        outcome: String,
        clientID: String?,
        sourceIP: String?,
        detail: String? = nil,
        logger: Logger
    ) {
        var metadata: Logger.Metadata = [
            "audit": "true", "event": .string(event), "outcome": .string(outcome),
            "source_ip": .string(sourceIP ?? "unknown"),
        ]
        if let clientID { metadata["client_id"] = .string(clientID) }
        if let detail { metadata["detail"] = .string(detail) }
        logger.notice("Audit", metadata: metadata)
    }
}
