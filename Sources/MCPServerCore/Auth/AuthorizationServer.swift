import JWTKit
public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

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
    /// Checks `private_key_jwt` client assertions at `/token` and `/revoke`; `nil` refuses them.
    public let assertions: ClientAssertionVerifier?
    /// Where people sign in when not with a password here; `nil` uses the passwords of `mcp-server users`.
    public let upstream: (any UpstreamIdentityProvider)?
    /// Checks people's passwords.
    public let passwords: PasswordHasher
    /// Renders the sign-in, consent and error pages.
    public let pages: PageRenderer
    /// The time sign-in decisions are made at (sealed requests, sessions, codes); tests move it.
    public let now: @Sendable () -> Date

    /// - Parameters:
    ///   - documents: fetches Client ID Metadata Documents; `nil` treats URL client ids as unknown.
    ///   - upstream: the upstream OpenID provider, when people sign in there.
    ///   - passwords: the hasher sign-in checks passwords with (its cost matters only for unknown usernames).
    ///   - now: the clock of sign-in; the system clock unless a test sets another.
    public init(
        configuration: AuthConfiguration,
        store: any ServerStore,
        keyRing: KeyRing,
        documents: (any ClientMetadataDocumentSource)? = nil,
        upstream: (any UpstreamIdentityProvider)? = nil,
        passwords: PasswordHasher = .standard,
        now: @escaping @Sendable () -> Date = { Date() }
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
        // A client's jwks_uri is fetched under the metadata-document rules. Only unreadable extra trust roots make
        // this fail, and the metadata-document fetcher refuses those at start already.
        self.assertions = try? ClientAssertionVerifier(
            store: store,
            policy: configuration.signIn.metadataDocuments ?? MetadataDocumentPolicy()
        )
        self.upstream = upstream
        self.passwords = passwords
        self.pages = PageRenderer()
        self.now = now
    }

    /// Issues an access token for `clientID` (already authenticated) with `scope`, for the resource in `urls`.
    /// - Parameters:
    ///   - person: the sign-in the token speaks for (`sub` is the person, `sid` the family); `nil` for the client's own
    ///     token (client credentials, `sub` is the client).
    ///   - certificateThumbprint: binds the token to this client certificate (RFC 8705 §3, `cnf`).
    func issueToken(
        clientID: String,
        scope: String,
        urls: ServerURLs,
        person: PersonGrant? = nil,
        certificateThumbprint: String? = nil,
        now: Date = Date()
    ) async throws -> TokenResponse {
        // Whole seconds: NumericDate may be fractional, but some verifiers expect integers.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        var lifetime = self.configuration.tokenLifetimeSeconds
        if let notAfter = person?.notAfter {
            // Never outlives its family: past the family's expiry the verifier could no longer find it.
            lifetime = max(0, min(lifetime, Int(notAfter.timeIntervalSince(now).rounded(.down))))
        }
        let authTime = person.map { Date(timeIntervalSince1970: $0.authTime.timeIntervalSince1970.rounded(.down)) }
        let claims = AccessTokenClaims(
            issuer: .init(value: urls.issuer),
            subject: .init(value: person?.personID ?? clientID),
            audience: .init(value: [urls.resource]),
            expiration: .init(value: now.addingTimeInterval(TimeInterval(lifetime))),
            issuedAt: .init(value: now),
            id: .init(value: SecretToken.generate(byteCount: 16)),
            confirmation: certificateThumbprint.map { AccessTokenClaims.Confirmation(certificateThumbprint: $0) },
            clientID: clientID,
            scope: scope,
            sessionID: person?.familyID,
            authTime: authTime.map { .init(value: $0) }
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

    /// The RFC 8414 document for the issuer in `urls`; it names only endpoints and features that exist under the
    /// current configuration: the authorization code grant with PKCE (`S256` only) and `iss` in its responses
    /// (RFC 9207), refresh tokens, client credentials, revocation (RFC 7009), registration unless it is closed,
    /// Client ID Metadata Documents when they are on, and the certificate methods when the server asks for client
    /// certificates.
    public func authorizationServerMetadata(urls: ServerURLs) -> AuthorizationServerMetadata {
        let methods = ClientAuthMethod.offered(mutualTLS: self.configuration.mutualTLS).map(\.rawValue)
        return AuthorizationServerMetadata(
            issuer: urls.issuer,
            authorizationEndpoint: urls.authorization,
            tokenEndpoint: urls.token,
            registrationEndpoint: self.configuration.registration == .closed
                && self.configuration.signInRegistration == .closed ? nil : urls.registration,
            jwksURI: self.keyRing.algorithm == "HS256" ? nil : urls.jwks,
            scopesSupported: OAuthScope.all,
            responseTypesSupported: ["code"],
            responseModesSupported: ["query"],
            grantTypesSupported: Self.grantTypesSupported,
            tokenEndpointAuthMethodsSupported: methods,
            tokenEndpointAuthSigningAlgValuesSupported: ClientAuthMethod.assertionSigningAlgorithms,
            revocationEndpoint: urls.revocation,
            // /revoke authenticates clients as /token does (RFC 7009 §2.1).
            revocationEndpointAuthMethodsSupported: methods,
            codeChallengeMethodsSupported: [PKCE.s256],
            tlsClientCertificateBoundAccessTokens: self.configuration.mutualTLS ? true : nil,
            authorizationResponseIssParameterSupported: true,
            clientIDMetadataDocumentSupported: self.configuration.signIn.metadataDocuments != nil
        )
    }

    /// The grants `/token` answers, in the order the metadata lists them.
    public static let grantTypesSupported = ["authorization_code", "refresh_token", "client_credentials"]
}
