public import Foundation
public import Logging
import MCPWire

/// Supplies the bearer token for one MCP server and recovers when the server refuses it.
///
/// Tokens come from the ``CredentialStore`` when another bridge (or an earlier run) already has one, so a
/// restarted bridge sends its first request authenticated. Tokens are renewed ahead of expiry; a 401 triggers
/// discovery, registration when needed, and a new token, all under the store's cross-process lock so that
/// bridges started together register once. One recovery runs at a time; concurrent callers share its result.
///
/// It hands out the token itself; the request builder puts it in the `Authorization` header.
public actor TokenProvider {
    let resource: URL
    let oauth: OAuthClient
    let store: CredentialStore
    let clientName: String
    let requestedScope: String?
    let registrationToken: InitialAccessToken?
    let refreshMargin: TimeInterval
    let logger: Logger
    private var credentials: StoredCredentials?
    private let recovering = SingleFlight<StoredCredentials>()

    public init(
        resource: URL,
        oauth: OAuthClient,
        store: CredentialStore,
        clientName: String,
        requestedScope: String?,
        registrationToken: InitialAccessToken? = nil,
        refreshMargin: TimeInterval,
        logger: Logger
    ) {
        self.resource = resource
        self.oauth = oauth
        self.store = store
        self.clientName = clientName
        self.requestedScope = requestedScope
        self.registrationToken = registrationToken
        self.refreshMargin = refreshMargin
        self.logger = logger
        self.credentials = store.credentials(forResource: resource.absoluteString).first
    }

    /// The credentials in use, if any.
    public var current: StoredCredentials? { self.credentials }

    /// The access token to send now; `nil` while no server has asked for one. Renews a token that expires
    /// within the refresh margin first.
    public func token() async throws -> String? {
        guard let credentials else { return nil }
        if credentials.hasUsableToken(at: Date(), margin: self.refreshMargin), let token = credentials.accessToken {
            return token
        }
        self.logger.debug("Access token expires soon; renewing", metadata: ["client_id": "\(credentials.clientID)"])
        return try await self.recover(
            failedToken: credentials.accessToken,
            challenge: nil,
            rediscover: false,
            scope: nil
        )
    }

    /// Called when the server answered 401 to a request sent with `sentToken`; returns the token to retry with.
    public func unauthorized(challenge: BearerChallenge?, sentToken: String?) async throws -> String {
        if let credentials, let token = credentials.accessToken, token != sentToken,
            credentials.hasUsableToken(at: Date(), margin: 0)
        {
            // Another request already recovered while this one was on the wire.
            return token
        }
        self.logger.info(
            "The server asks for a new token",
            metadata: ["error": "\(challenge?.error ?? "none")"]
        )
        return try await self.recover(failedToken: sentToken, challenge: challenge, rediscover: true, scope: nil)
    }

    /// Called on 403 `insufficient_scope`: asks for the union of the current and the required scopes, and
    /// returns the token to retry with.
    public func insufficientScope(challenge: BearerChallenge, sentToken: String?) async throws -> String {
        var scopes = Set((self.credentials?.scope ?? "").split(separator: " ").map(String.init))
        let needed = (challenge.scope ?? "").split(separator: " ").map(String.init)
        guard !needed.isEmpty, !Set(needed).isSubset(of: scopes) else {
            throw BridgeError.authorization(
                "the server needs scope \(challenge.scope ?? "(unnamed)") and the token already asked for it"
            )
        }
        scopes.formUnion(needed)
        return try await self.recover(
            failedToken: sentToken,
            challenge: challenge,
            rediscover: self.credentials == nil,
            scope: scopes.sorted().joined(separator: " ")
        )
    }

    private func recover(
        failedToken: String?,
        challenge: BearerChallenge?,
        rediscover: Bool,
        scope: String?
    ) async throws -> String {
        // The first caller's failure decides what is done; the others share its outcome.
        let known = self.credentials
        let fresh = try await self.recovering.run {
            try await self.obtain(
                known: known,
                failedToken: failedToken,
                challenge: challenge,
                rediscover: rediscover,
                scope: scope
            )
        }
        self.credentials = fresh
        guard let token = fresh.accessToken else { throw BridgeError.authorization("no access token was issued") }
        return token
    }

    /// Where registration and tokens come from, as discovery found it.
    private struct Discovered: Sendable {
        var issuer: String
        var metadata: AuthorizationServerMetadata
        var scope: String?
    }

    private nonisolated func obtain(
        known: StoredCredentials?,
        failedToken: String?,
        challenge: BearerChallenge?,
        rediscover: Bool,
        scope: String?
    ) async throws -> StoredCredentials {
        var discovered: Discovered?
        if rediscover || known == nil {
            let resourceMetadata = try await self.oauth.protectedResourceMetadata(
                for: self.resource,
                challenge: challenge
            )
            let issuer = resourceMetadata.authorizationServers[0]
            let metadata = try await self.oauth.authorizationServerMetadata(issuer: issuer)
            if let grants = metadata.grantTypesSupported, !grants.contains("client_credentials") {
                throw BridgeError.authorization(
                    "the authorization server \(issuer) does not offer the client_credentials grant"
                )
            }
            let chosenScope =
                scope ?? challenge?.scope ?? self.requestedScope
                ?? resourceMetadata.scopesSupported?.joined(separator: " ")
            discovered = Discovered(
                issuer: issuer,
                metadata: metadata,
                scope: chosenScope.flatMap { $0.isEmpty ? nil : $0 }
            )
        }
        guard let issuer = discovered?.issuer ?? known?.issuer else {
            throw BridgeError.authorization("no authorization server known")
        }
        let resource = self.resource.absoluteString
        return try await self.store.withLock(issuer: issuer, resource: resource) {
            var credentials: StoredCredentials
            if let onDisk = try self.store.load(issuer: issuer, resource: resource) {
                // Another bridge may have done the work while this one waited for the lock.
                if onDisk.accessToken != failedToken, onDisk.hasUsableToken(at: Date(), margin: self.refreshMargin),
                    scope == nil || onDisk.scope == scope
                {
                    self.logger.debug("Using the token another bridge fetched")
                    return onDisk
                }
                credentials = onDisk
            } else if let discovered {
                credentials = try await self.register(discovered, resource: resource)
            } else {
                throw BridgeError.authorization("the saved credentials for \(resource) disappeared")
            }
            if let discovered {
                credentials.tokenEndpoint = discovered.metadata.tokenEndpoint
                credentials.registrationEndpoint = discovered.metadata.registrationEndpoint
                credentials.scope = discovered.scope
            }
            if let scope { credentials.scope = scope }
            var outcome = try await self.oauth.token(for: credentials)
            if case .invalidClient = outcome {
                // The server no longer knows this client (deleted, or its store was wiped): register again,
                // once, instead of making the user delete files.
                self.logger.notice(
                    "The authorization server no longer accepts this client; registering again",
                    metadata: ["client_id": "\(credentials.clientID)"]
                )
                let fresh: Discovered
                if let discovered {
                    fresh = discovered
                } else {
                    let metadata = try await self.oauth.authorizationServerMetadata(issuer: issuer)
                    fresh = Discovered(issuer: issuer, metadata: metadata, scope: credentials.scope)
                }
                credentials = try await self.register(fresh, resource: resource)
                outcome = try await self.oauth.token(for: credentials)
            }
            guard case .token(let token) = outcome else {
                throw BridgeError.authorization(
                    "the authorization server refused a freshly registered client (invalid_client)"
                )
            }
            credentials.accessToken = token.accessToken
            let issued = Date()
            credentials.tokenIssuedAt = issued
            credentials.tokenExpiresAt = token.expiresIn.map { issued.addingTimeInterval(TimeInterval($0)) }
            if let granted = token.scope { credentials.scope = granted }
            try self.store.save(credentials)
            self.logger.info(
                "Got an access token",
                metadata: [
                    "client_id": "\(credentials.clientID)",
                    "expires_in": "\(token.expiresIn.map(String.init) ?? "unknown")",
                ]
            )
            return credentials
        }
    }

    /// Whether `endpoint` is on the MCP server's own origin. The operator's initial access token is for that
    /// server: discovery that points registration elsewhere does not get it (the registration then fails and
    /// says the token is needed, instead of handing it to a host the user never named).
    static func sameOrigin(_ endpoint: String, _ server: URL) -> Bool {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return false }
        func port(_ url: URL, _ scheme: String) -> Int? {
            url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : nil)
        }
        return scheme == server.scheme?.lowercased() && host == server.host?.lowercased()
            && port(url, scheme) == port(server, scheme)
    }

    private nonisolated func register(_ discovered: Discovered, resource: String) async throws -> StoredCredentials {
        guard let endpoint = discovered.metadata.registrationEndpoint else {
            throw BridgeError.authorization(
                "the authorization server \(discovered.issuer) has no registration endpoint (no DCR); pre-registered clients are not supported yet"
            )
        }
        let tokenAllowed = Self.sameOrigin(endpoint, self.resource)
        if self.registrationToken != nil, !tokenAllowed {
            self.logger.warning(
                "Not sending the initial access token: the registration endpoint is not on the MCP server's origin",
                metadata: ["registration_endpoint": "\(endpoint)"]
            )
        }
        let information = try await self.oauth.register(
            at: endpoint,
            clientName: self.clientName,
            scope: discovered.scope,
            authMethods: discovered.metadata.tokenEndpointAuthMethodsSupported,
            initialAccessToken: tokenAllowed ? self.registrationToken : nil,
            boundTokens: self.oauth.http.settings.clientCertificate != nil
                && discovered.metadata.tlsClientCertificateBoundAccessTokens == true
        )
        let credentials = StoredCredentials(
            issuer: discovered.issuer,
            resource: resource,
            tokenEndpoint: discovered.metadata.tokenEndpoint,
            registrationEndpoint: endpoint,
            tokenEndpointAuthMethod: information.metadata.tokenEndpointAuthMethod ?? "client_secret_basic",
            clientID: information.clientID,
            clientSecret: information.clientSecret,
            registrationAccessToken: information.registrationAccessToken,
            registrationClientURI: information.registrationClientURI,
            clientName: self.clientName,
            scope: discovered.scope
        )
        try self.store.save(credentials)
        self.logger.notice(
            "Registered with the authorization server",
            metadata: ["client_id": "\(information.clientID)", "issuer": "\(discovered.issuer)"]
        )
        return credentials
    }
}
