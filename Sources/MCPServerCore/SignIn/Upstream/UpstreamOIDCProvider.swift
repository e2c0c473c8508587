import Crypto
public import Logging
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Signs people in at an upstream OpenID Connect provider (Cognito, Okta, Entra ID, Google, Auth0, Keycloak)
/// with the authorization code flow, PKCE (`S256`) and a `nonce`.
///
/// The provider's discovery document is read on first use, not at start (a Lambda cold start does not pay for
/// it), and cached; its `issuer` must be the configured one exactly. Its key set is cached and read again, at most
/// every ``keyRefreshInterval``, when an ID token names a key it lacks.
///
/// ``beginSignIn(sealedRequest:browserHash:callbackURL:forceLogin:now:)`` stores the login state (only the hash of `state`;
/// the `nonce`, the PKCE verifier, the sealed request and the browser) for ``SignInConfiguration/loginLifetime``.
/// ``finishSignIn(query:browserHash:callbackURL:now:)`` takes it once, checks the browser (constant time) and
/// `iss` (RFC 9207: a response from another provider is refused, and required when the provider announces it),
/// redeems the code at the token endpoint, verifies the ID token (``PublicKeySet``, ``IDTokenCheck``) and the
/// allow-lists (``UpstreamAdmission``), and saves the person. The provider's access and refresh tokens are
/// dropped unread: they are never stored, logged or handed to MCP clients.
public struct UpstreamOIDCProvider: UpstreamIdentityProvider {
    /// What a person sees when the provider cannot be used (discovery, keys or token endpoint failing).
    static let unavailableMessage = "The sign-in provider cannot be reached right now. Please try again later."
    /// What a person sees when the provider's answer does not verify.
    static let unverifiedMessage = "The sign-in could not be verified. Please start again."
    /// What a person sees for an unknown, used or expired login state.
    static let expiredMessage = "This sign-in has expired or was already used. Please start again."

    /// How long the discovery document and key set are kept without caching headers, and at most.
    static let defaultCacheLifetime: Duration = .seconds(3_600)
    static let maxCacheLifetime: Duration = .seconds(24 * 3_600)
    /// How long a failed discovery or key-set fetch is remembered: retried soon, but not on every request.
    static let failureLifetime: Duration = .seconds(5)
    /// The earliest the key set is fetched again because an ID token names a key it lacks.
    public static let keyRefreshInterval: Duration = .seconds(30)

    public let configuration: UpstreamProviderConfiguration
    let store: any SignInStore
    let loginLifetime: Duration
    let fetcher: OutboundFetcher
    let logger: Logger
    private let discovery = FetchCache<OpenIDProviderMetadata>(capacity: 1)
    private let keySets = FetchCache<PublicKeySet>(capacity: 4)

    public var displayName: String { self.configuration.displayName }

    /// - Parameters:
    ///   - loginLifetime: how long a person has to come back from the provider (``SignInConfiguration/loginLifetime``).
    /// - Throws: ``OutboundFetchError`` when the configured extra trust roots are not PEM.
    public init(
        configuration: UpstreamProviderConfiguration,
        store: any SignInStore,
        loginLifetime: Duration,
        logger: Logger
    ) throws {
        self.init(
            configuration: configuration,
            store: store,
            loginLifetime: loginLifetime,
            // Its own lookups: the shared ones serve addresses callers choose, which they can make hang.
            fetcher: try OutboundFetcher(policy: .upstream(configuration), resolver: SystemHostResolver.dedicated()),
            logger: logger
        )
    }

    init(
        configuration: UpstreamProviderConfiguration,
        store: any SignInStore,
        loginLifetime: Duration,
        fetcher: OutboundFetcher,
        logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.loginLifetime = loginLifetime
        self.fetcher = fetcher
        self.logger = logger
    }

    /// The id of the person `subject` at `issuer` is: `oidc_` and 22 base64url characters (128 bits) of
    /// SHA-256(issuer + "\n" + subject), stable across sign-ins and never the same for two providers.
    public static func personID(issuer: String, subject: String) -> String {
        let digest = SHA256.hash(data: Array((issuer + "\n" + subject).utf8))
        return "oidc_" + Base64.encode(Array(digest).prefix(16), .url)
    }

    public func beginSignIn(
        sealedRequest: String,
        browserHash: String,
        callbackURL: String,
        forceLogin: Bool = false,
        now: Date
    ) async throws -> String {
        let provider = try await self.providerMetadata(now: now)
        let state = SecretToken.generate()
        let nonce = SecretToken.generate()
        let verifier = SecretToken.generate()
        try await self.store.insertUpstreamLogin(
            StoredUpstreamLogin(
                stateHash: SecretToken.hash(state),
                nonce: nonce,
                codeVerifier: verifier,
                sealedRequest: sealedRequest,
                browserHash: browserHash,
                createdAt: now,
                expiresAt: now.addingTimeInterval(self.loginLifetime.timeInterval)
            )
        )
        var parameters: [(name: String, value: String)] = [
            ("response_type", "code"),
            ("client_id", self.configuration.clientID),
            ("redirect_uri", callbackURL),
            ("scope", self.configuration.scopes.joined(separator: " ")),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", PKCE.challenge(for: verifier)),
            ("code_challenge_method", PKCE.s256),
        ]
        // The client asked to see the person sign in again: the provider's own session must not answer for them.
        if forceLogin { parameters += [("prompt", "login"), ("max_age", "0")] }
        let query = FormURLEncoded.encode(parameters)
        let endpoint = provider.authorizationEndpoint
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }

    public func finishSignIn(
        query: [String: String],
        browserHash: String,
        callbackURL: String,
        now: Date
    ) async throws -> UpstreamSignIn {
        // The login state is taken first, whatever the outcome, so no callback can be replayed.
        var login: StoredUpstreamLogin?
        if let state = query["state"], !state.isEmpty {
            login = try await self.store.takeUpstreamLogin(stateHash: SecretToken.hash(state), now: now)
        }
        if let error = query["error"] {
            let description = query["error_description"].map { ": " + String($0.prefix(200)) } ?? ""
            throw UpstreamSignInError(
                "The sign-in was cancelled or refused at the provider.",
                logDetail: "upstream error \(error.prefix(100))\(description)"
            )
        }
        guard let login else {
            let detail =
                query["state"] == nil
                ? "upstream callback without state" : "upstream login state unknown, used or expired"
            throw UpstreamSignInError(Self.expiredMessage, logDetail: detail)
        }
        guard SecretToken.constantTimeEquals(Array(login.browserHash.utf8), Array(browserHash.utf8)) else {
            throw UpstreamSignInError(
                "This sign-in was started in another browser. Please start again here.",
                logDetail: "upstream callback from another browser than the one that started it"
            )
        }
        let provider = try await self.providerMetadata(now: now)
        // RFC 9207 §2.4: an `iss` that is not our provider's means the response is another provider's (mix-up).
        if let issuer = query["iss"] {
            guard issuer.utf8.elementsEqual(provider.issuer.utf8) else {
                throw UpstreamSignInError(Self.unverifiedMessage, logDetail: "upstream callback iss is another issuer")
            }
        } else if provider.sendsIssuerInResponse {
            throw UpstreamSignInError(Self.unverifiedMessage, logDetail: "upstream callback without the announced iss")
        }
        guard let code = query["code"], !code.isEmpty else {
            throw UpstreamSignInError(Self.unverifiedMessage, logDetail: "upstream callback without code")
        }
        let idToken = try await self.redeem(
            code: code,
            verifier: login.codeVerifier,
            callbackURL: callbackURL,
            provider
        )
        let token = try await self.verify(idToken: idToken, provider: provider, now: now)
        let subject = try IDTokenCheck.check(
            token,
            issuer: provider.issuer,
            clientID: self.configuration.clientID,
            nonce: login.nonce,
            now: now
        )
        let admission = UpstreamAdmission(configuration: self.configuration)
        try admission.check(token)
        let person = StoredPerson(
            id: Self.personID(issuer: provider.issuer, subject: subject),
            displayName: Self.displayName(token),
            email: UpstreamAdmission.verifiedEmail(token),
            isAdmin: admission.isAdmin(token),
            upstreamIssuer: provider.issuer,
            upstreamSubject: subject,
            createdAt: now,
            updatedAt: now,
            lastSignInAt: now
        )
        let stored = try await self.store.upsertUpstreamPerson(person)
        return UpstreamSignIn(person: stored, sealedRequest: login.sealedRequest)
    }

    /// The ID token's signature checked with the provider's keys; the key set is fetched again once when it has
    /// no key for the token.
    func verify(idToken: String, provider: OpenIDProviderMetadata, now: Date) async throws -> SignedJWT {
        let token: SignedJWT
        do {
            token = try SignedJWT(parsing: idToken)
        } catch {
            throw IDTokenCheck.refused(error.description)
        }
        guard IDTokenCheck.allowedAlgorithms.contains(token.algorithm) else {
            throw IDTokenCheck.refused("signing algorithm \(token.algorithm) is not accepted")
        }
        var keys = try await self.keySet(provider, now: now)
        if !keys.hasKey(for: token.algorithm, keyID: token.keyID) {
            keys = try await self.keySet(provider, now: now, refreshingIfOlderThan: Self.keyRefreshInterval)
        }
        do {
            try await keys.verify(token, allowedAlgorithms: IDTokenCheck.allowedAlgorithms)
        } catch {
            throw IDTokenCheck.refused(error.description)
        }
        return token
    }

    /// The code redeemed at the token endpoint; only the `id_token` of the answer is kept.
    private func redeem(
        code: String,
        verifier: String,
        callbackURL: String,
        _ provider: OpenIDProviderMetadata
    ) async throws -> String {
        let authentication = UpstreamClientAuthentication(
            clientID: self.configuration.clientID,
            secret: self.configuration.clientSecret,
            supported: provider.tokenEndpointAuthMethods
        )
        let response: OutboundResponse
        do {
            response = try await self.fetcher.postForm(
                provider.tokenEndpoint,
                form: [
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", callbackURL),
                    ("code_verifier", verifier),
                ] + authentication.formFields,
                headers: authentication.headerFields
            )
        } catch let error as OutboundFetchError {
            throw UpstreamSignInError(Self.unavailableMessage, logDetail: "upstream token endpoint: \(error)")
        }
        let answer = try? JSONValue(parsing: response.body)
        guard response.status == 200 else {
            // RFC 6749 §5.2 error codes are ASCII words; the description is the provider's, kept short.
            let error = answer?["error"]?.stringValue.map { String($0.prefix(100)) } ?? "no error code"
            throw UpstreamSignInError(
                Self.unverifiedMessage,
                logDetail: "upstream token endpoint answered HTTP \(response.status) (\(error))"
            )
        }
        guard let idToken = answer?["id_token"]?.stringValue else {
            throw UpstreamSignInError(Self.unverifiedMessage, logDetail: "upstream token response without id_token")
        }
        return idToken
    }

    /// The discovery document, cached.
    func providerMetadata(now: Date) async throws -> OpenIDProviderMetadata {
        let issuer = self.configuration.issuer
        let url = (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
        let allowHTTP = self.fetcher.policy.allowHTTPOnLoopback
        return try await self.cached(self.discovery, url, now: now) { response throws(UpstreamSignInError) in
            guard let json = try? JSONValue(parsing: response.body) else {
                throw UpstreamSignInError(Self.unavailableMessage, logDetail: "upstream discovery: not JSON")
            }
            return try OpenIDProviderMetadata(json: json, expectedIssuer: issuer, allowHTTP: allowHTTP)
        }
    }

    private func keySet(
        _ provider: OpenIDProviderMetadata,
        now: Date,
        refreshingIfOlderThan age: Duration? = nil
    ) async throws -> PublicKeySet {
        try await self.cached(self.keySets, provider.jwksURI, now: now, refreshingIfOlderThan: age) {
            response throws(UpstreamSignInError) in
            do {
                return try PublicKeySet(bytes: response.body)
            } catch {
                throw UpstreamSignInError(Self.unavailableMessage, logDetail: "upstream jwks: \(error)")
            }
        }
    }

    /// `url` through `cache`, read with `read` from a 200 answer; failures become ``UpstreamSignInError``.
    private func cached<Value: Sendable>(
        _ cache: FetchCache<Value>,
        _ url: String,
        now: Date,
        refreshingIfOlderThan age: Duration? = nil,
        read: @escaping @Sendable (OutboundResponse) throws(UpstreamSignInError) -> Value
    ) async throws -> Value {
        let fetcher = self.fetcher
        let logger = self.logger
        do {
            return try await cache.value(for: url, now: now, refreshingIfOlderThan: age) {
                do {
                    let response = try await fetcher.get(url)
                    guard response.status == 200 else {
                        throw UpstreamSignInError(
                            Self.unavailableMessage,
                            logDetail: "upstream \(url) answered HTTP \(response.status)"
                        )
                    }
                    let value = try read(response)
                    let lifetime = HTTPCacheLifetime.of(
                        response,
                        now: now,
                        default: Self.defaultCacheLifetime,
                        ceiling: Self.maxCacheLifetime
                    )
                    return .init(result: .success(value), lifetime: lifetime)
                } catch {
                    let failure =
                        error as? UpstreamSignInError
                        ?? UpstreamSignInError(Self.unavailableMessage, logDetail: "upstream \(url): \(error)")
                    logger.warning("upstream provider fetch failed", metadata: ["detail": "\(failure.logDetail)"])
                    return .init(result: .failure(failure), lifetime: Self.failureLifetime)
                }
            }
        } catch let error as UpstreamSignInError {
            throw error
        } catch {
            throw UpstreamSignInError(Self.unavailableMessage, logDetail: "upstream \(url): \(error)")
        }
    }

    /// The name to show: `name`, else `preferred_username`, else the verified email.
    private static func displayName(_ token: SignedJWT) -> String? {
        for claim in ["name", "preferred_username"] {
            if let value = token.string(claim)?.trimmingWhitespace(), !value.isEmpty {
                return String(value.prefix(200))
            }
        }
        return UpstreamAdmission.verifiedEmail(token)
    }
}
