import Foundation
import JWTKit
public import MCPWire

/// Everything the OAuth endpoints and the `/mcp` guard share: configuration, keys and the store. The URLs it
/// answers with belong to each request (``MCPRequestContext/urls``).
public struct AuthorizationServer: Sendable {
    public let configuration: AuthConfiguration
    public let store: any ServerStore
    public let keyRing: KeyRing
    public let verifier: TokenVerifier
    public let registry: ClientRegistry
    /// Finds the client a `client_id` names, registered or described by a metadata document.
    public let clients: ClientDirectory
    /// Where people sign in when not with a password here; `nil` uses the passwords of `mcp-server users`.
    public let upstream: (any UpstreamIdentityProvider)?
    /// Checks people's passwords.
    public let passwords: PasswordHasher
    /// Renders the sign-in, consent and error pages.
    public let pages: PageRenderer

    /// - Parameters:
    ///   - documents: fetches Client ID Metadata Documents; `nil` treats URL client ids as unknown.
    ///   - upstream: the upstream OpenID provider, when people sign in there.
    ///   - passwords: the hasher sign-in checks passwords with (its cost matters only for unknown usernames).
    public init(
        configuration: AuthConfiguration,
        store: any ServerStore,
        keyRing: KeyRing,
        documents: (any ClientMetadataDocumentSource)? = nil,
        upstream: (any UpstreamIdentityProvider)? = nil,
        passwords: PasswordHasher = .standard
    ) {
        self.configuration = configuration
        self.store = store
        self.keyRing = keyRing
        self.verifier = TokenVerifier(
            keyRing: keyRing,
            store: store,
            tokenLifetime: configuration.tokenLifetime,
            clientRecheckInterval: configuration.clientRecheckInterval
        )
        self.registry = ClientRegistry(store: store, mutualTLS: configuration.mutualTLS)
        self.clients = ClientDirectory(store: store, documents: documents)
        self.upstream = upstream
        self.passwords = passwords
        self.pages = PageRenderer()
    }

    /// Issues an access token for `client` (already authenticated) with `scope`, for the resource in `urls`.
    /// - Parameter certificateThumbprint: binds the token to this client certificate (RFC 8705 §3, `cnf`).
    func issueToken(
        for client: StoredClient,
        scope: String,
        urls: ServerURLs,
        certificateThumbprint: String? = nil,
        now: Date = Date()
    ) async throws -> TokenResponse {
        // Whole seconds: NumericDate may be fractional, but some verifiers expect integers.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let lifetime = self.configuration.tokenLifetimeSeconds
        let claims = AccessTokenClaims(
            issuer: .init(value: urls.issuer),
            subject: .init(value: client.id),
            audience: .init(value: [urls.resource]),
            expiration: .init(value: now.addingTimeInterval(TimeInterval(lifetime))),
            issuedAt: .init(value: now),
            id: .init(value: SecretToken.generate(byteCount: 16)),
            confirmation: certificateThumbprint.map { AccessTokenClaims.Confirmation(certificateThumbprint: $0) },
            clientID: client.id,
            scope: scope
        )
        let token = try await self.keyRing.sign(claims)
        return TokenResponse(accessToken: token, expiresIn: lifetime, scope: scope)
    }

    /// Counts a hit against a per-minute limit; throws 429 with `Retry-After` past it.
    func enforceRateLimit(_ key: String, perMinute limit: Int, now: Date = Date()) async throws {
        if let refusal = try await self.countRateLimit(key, perMinute: limit, now: now) { throw refusal }
    }

    /// Counts a hit against a per-minute limit; the 429 to answer with when it is past the limit.
    func countRateLimit(_ key: String, perMinute limit: Int, now: Date = Date()) async throws -> OAuthHTTPError? {
        let decision = try await self.store.consumeRateLimit(
            key: key,
            limit: limit,
            window: Self.rateLimitWindow,
            now: now
        )
        guard !decision.allowed else { return nil }
        return OAuthHTTPError.tooManyRequests(
            retryAfterSeconds: Int(decision.resetAt.timeIntervalSince(now).rounded(.up))
        )
    }

    /// Every rate limit counts per minute; stores may forget a window once it is this old.
    public static let rateLimitWindow: Duration = .seconds(60)

    /// The RFC 9728 document for the resource in `urls`.
    public func protectedResourceMetadata(urls: ServerURLs) -> ProtectedResourceMetadata {
        ProtectedResourceMetadata(
            resource: urls.resource,
            authorizationServers: [urls.issuer],
            scopesSupported: OAuthScope.all,
            resourceName: "remote-mcp"
        )
    }

    /// The RFC 8414 document for the issuer in `urls`; it names only endpoints that exist under the current
    /// configuration.
    public func authorizationServerMetadata(urls: ServerURLs) -> AuthorizationServerMetadata {
        AuthorizationServerMetadata(
            issuer: urls.issuer,
            // Present because common MCP SDKs refuse metadata without it; it answers unsupported_response_type.
            authorizationEndpoint: urls.authorization,
            tokenEndpoint: urls.token,
            registrationEndpoint: self.configuration.registration == .closed ? nil : urls.registration,
            jwksURI: self.keyRing.algorithm == "HS256" ? nil : urls.jwks,
            scopesSupported: OAuthScope.all,
            responseTypesSupported: [],
            grantTypesSupported: ["client_credentials"],
            tokenEndpointAuthMethodsSupported: ClientAuthMethod.offered(mutualTLS: self.configuration.mutualTLS)
                .map(\.rawValue),
            tlsClientCertificateBoundAccessTokens: self.configuration.mutualTLS ? true : nil
        )
    }
}
