import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TokenProvider {
    /// Where registration and tokens come from, as discovery found it.
    struct Discovered: Sendable {
        var issuer: String
        var metadata: AuthorizationServerMetadata
        /// The scope in the specification's order: the user's, the challenge's, then all the server lists.
        var scope: String?
    }

    /// Gets fresh credentials, under the store's lock: another copy's (when it got them while this one waited),
    /// a refresh, or a new token (registering or signing in first when needed).
    nonisolated func obtain(_ need: Need) async throws -> StoredCredentials {
        var discovered: Discovered?
        if need.rediscover || need.known == nil {
            discovered = try await self.discover(challenge: need.challenge, stepUpScope: need.scope)
        }
        guard let issuer = discovered?.issuer ?? need.known?.issuer else {
            throw BridgeError.authorization("no authorization server known")
        }
        let resource = self.resource.absoluteString
        return try await self.store.withLock(issuer: issuer, resource: resource) {
            var credentials = try await self.store.loadWithSecrets(issuer: issuer, resource: resource)
            if let onDisk = credentials, onDisk.accessToken != need.failedToken,
                onDisk.hasUsableToken(at: Date(), margin: self.refreshMargin), Self.covers(onDisk.scope, need.scope),
                self.matchesChosenClient(onDisk)
            {
                // Another bridge did the work while this one waited for the lock.
                self.logger.debug("Using the token another bridge fetched")
                return onDisk
            }
            if let stored = credentials, !self.matchesChosenClient(stored) {
                self.logger.notice(
                    "The client configured for this server changed; signing in with the new one",
                    metadata: ["old_client_id": "\(stored.clientID)"]
                )
                credentials = nil
            }
            if let stored = credentials, stored.grant != .clientCredentials, stored.refreshToken != nil,
                Self.covers(stored.scope, need.scope)
            {
                switch try await self.refresh(stored) {
                case .refreshed(let fresh): return fresh
                case .refused(let cleared): credentials = cleared
                case .clientGone: credentials = nil
                }
            }
            let metadata: AuthorizationServerMetadata
            if let discovered {
                metadata = discovered.metadata
            } else {
                metadata = try await self.oauth.authorizationServerMetadata(issuer: issuer)
            }
            let scope = need.scope ?? discovered?.scope ?? credentials?.scope
            return try await self.newToken(
                issuer: issuer,
                metadata: metadata,
                scope: scope,
                existing: credentials
            )
        }
    }

    /// Protected resource metadata, then the authorization server's (the first one it names).
    nonisolated func discover(challenge: BearerChallenge?, stepUpScope: String?) async throws -> Discovered {
        let resourceMetadata = try await self.oauth.protectedResourceMetadata(for: self.resource, challenge: challenge)
        let issuer = resourceMetadata.authorizationServers[0]
        let metadata = try await self.oauth.authorizationServerMetadata(issuer: issuer)
        self.status.discovered(issuer: issuer, resourceName: resourceMetadata.resourceName)
        // The user's --scope is a decision; then the challenge's (authoritative for this request), then everything
        // the server lists (MCP authorization, "Scope Selection Strategy").
        let chosen =
            stepUpScope ?? self.requestedScope ?? challenge?.scope
            ?? resourceMetadata.scopesSupported?.joined(separator: " ")
        return Discovered(issuer: issuer, metadata: metadata, scope: chosen.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// What a refresh came to.
    enum Refreshed: Sendable {
        /// New credentials, saved.
        case refreshed(StoredCredentials)
        /// The refresh token was refused (expired, revoked, reused): these credentials, without tokens, are saved
        /// so no other copy tries it again; a person signs in again.
        case refused(StoredCredentials)
        /// The server no longer knows the client.
        case clientGone
    }

    /// Uses the stored refresh token. The rotated one is saved before the lock is released, so no copy of the
    /// bridge can present the old one again (which servers treat as theft, revoking the whole family).
    nonisolated func refresh(_ credentials: StoredCredentials) async throws -> Refreshed {
        guard let refreshToken = credentials.refreshToken else { return .refused(credentials) }
        let outcome = try await self.oauth.refresh(
            refreshToken: refreshToken,
            tokenEndpoint: credentials.tokenEndpoint,
            resource: credentials.resource,
            scope: nil,
            client: try self.clientAuthentication(for: credentials)
        )
        switch outcome {
        case .token(let token):
            var fresh = credentials
            self.apply(token, to: &fresh, scope: credentials.scope)
            try await self.store.save(fresh)
            self.logger.info(
                "Refreshed the access token",
                metadata: ["expires_in": "\(token.expiresIn.map(String.init) ?? "unknown")"]
            )
            return .refreshed(fresh)
        case .invalidGrant(let reason):
            self.logger.notice(
                "The server refused the refresh token (\(reason)); signing in again",
                metadata: ["client_id": "\(credentials.clientID)"]
            )
            var cleared = credentials
            cleared.refreshToken = nil
            cleared.accessToken = nil
            cleared.tokenExpiresAt = nil
            try await self.store.save(cleared)
            return .refused(cleared)
        case .invalidClient:
            self.logger.notice(
                "The authorization server no longer accepts this client; starting over",
                metadata: ["client_id": "\(credentials.clientID)"]
            )
            return .clientGone
        }
    }

    /// A new token: `client_credentials`, or a person's sign-in, as the plan says; with a client to match.
    nonisolated func newToken(
        issuer: String,
        metadata: AuthorizationServerMetadata,
        scope: String?,
        existing: StoredCredentials?
    ) async throws -> StoredCredentials {
        let plan = try SignInPlan.choose(
            settings: self.signIn,
            issuer: issuer,
            metadata: metadata,
            requestedScope: scope
        )
        if plan.grant == .clientCredentials {
            do {
                return try await self.clientCredentialsToken(plan, existing: existing)
            } catch BridgeError.authorization(let detail)
                where self.signIn.auth == .auto && metadata.authorizationEndpoint != nil
            {
                // Not a silent switch to a browser: an operator who meant a machine client would not expect one.
                throw BridgeError.authorization(
                    detail + "; this server also signs people in: pass --auth browser to sign in as a person"
                )
            }
        }
        var credentials = try await self.client(for: plan, existing: existing)
        let person = PersonSignIn(provider: self, plan: plan)
        let token = try await person.run(credentials: credentials)
        self.apply(token, to: &credentials, scope: plan.scope)
        credentials.grant = plan.grant
        try await self.store.save(credentials)
        self.logger.notice(
            "Signed in",
            metadata: [
                "account": "\(credentials.account ?? "unknown")", "client_id": "\(credentials.clientID)",
                "scope": "\(credentials.scope ?? "")",
            ]
        )
        return credentials
    }

    /// The `client_credentials` grant (the bridge's behaviour before sign-in existed), registering when needed and
    /// once more when the server has forgotten the client.
    nonisolated func clientCredentialsToken(
        _ plan: SignInPlan,
        existing: StoredCredentials?
    ) async throws -> StoredCredentials {
        var credentials = try await self.client(for: plan, existing: existing)
        var outcome = try await self.oauth.clientCredentialsToken(
            tokenEndpoint: credentials.tokenEndpoint,
            resource: credentials.resource,
            scope: plan.scope,
            client: try self.clientAuthentication(for: credentials)
        )
        if case .invalidClient = outcome, plan.client == .registered {
            // The server no longer knows this client (deleted, or its store was wiped): register again, once,
            // instead of making the user delete files.
            self.logger.notice(
                "The authorization server no longer accepts this client; registering again",
                metadata: ["client_id": "\(credentials.clientID)"]
            )
            credentials = try await self.client(for: plan, existing: nil)
            outcome = try await self.oauth.clientCredentialsToken(
                tokenEndpoint: credentials.tokenEndpoint,
                resource: credentials.resource,
                scope: plan.scope,
                client: try self.clientAuthentication(for: credentials)
            )
        }
        switch outcome {
        case .token(let token):
            self.apply(token, to: &credentials, scope: plan.scope)
            credentials.grant = .clientCredentials
            try await self.store.save(credentials)
            self.logger.info(
                "Got an access token",
                metadata: [
                    "client_id": "\(credentials.clientID)",
                    "expires_in": "\(token.expiresIn.map(String.init) ?? "unknown")",
                ]
            )
            return credentials
        case .invalidClient:
            throw BridgeError.authorization(
                plan.client == .registered
                    ? "the authorization server refused a freshly registered client (invalid_client)"
                    : "the authorization server refused client \(credentials.clientID) (invalid_client): check --client-id and its secret or key"
            )
        case .invalidGrant(let reason):
            throw BridgeError.authorization("the token endpoint refused the client_credentials grant: \(reason)")
        }
    }

    /// Copies a token response into `credentials`: a rotated refresh token replaces the old one, an absent one
    /// keeps it (RFC 6749 §6).
    nonisolated func apply(_ token: TokenResponse, to credentials: inout StoredCredentials, scope: String?) {
        credentials.accessToken = token.accessToken
        let issued = Date()
        credentials.tokenIssuedAt = issued
        credentials.tokenExpiresAt = token.expiresIn.map { issued.addingTimeInterval(TimeInterval($0)) }
        if let refreshToken = token.refreshToken { credentials.refreshToken = refreshToken }
        credentials.scope = token.scope ?? scope ?? credentials.scope
        if let account = OAuthClient.accountName(idToken: token.idToken, accessToken: token.accessToken) {
            credentials.account = account
        }
    }
}
