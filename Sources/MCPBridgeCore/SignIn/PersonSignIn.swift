import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// One person's sign-in, run by the copy of the bridge that holds the store's lock: in the browser (authorization
/// code with PKCE on the loopback redirect) or with a device code. It takes over a sign-in a killed copy left
/// pending, instead of starting a second one the person would not know about.
struct PersonSignIn: Sendable {
    let provider: TokenProvider
    let plan: SignInPlan

    private var logger: Logger { self.provider.logger }
    private var store: CredentialStore { self.provider.store }
    private var settings: SignInSettings { self.provider.signIn }

    /// Signs in and returns the token response.
    func run(credentials: StoredCredentials) async throws -> TokenResponse {
        let client = try self.provider.clientAuthentication(for: credentials)
        do {
            let token: TokenResponse
            switch self.plan.grant {
            case .authorizationCode: token = try await self.browser(credentials, client: client)
            case .deviceCode: token = try await self.device(credentials, client: client)
            case .clientCredentials:
                throw BridgeError.authorization("a client_credentials plan does not sign a person in")
            }
            self.finished(credentials)
            return token
        } catch {
            self.finished(credentials)
            throw error
        }
    }

    private func finished(_ credentials: StoredCredentials) {
        self.store.removePendingSignIn(issuer: credentials.issuer, resource: credentials.resource)
        self.provider.status.finished()
    }

    /// A sign-in left by another copy that this one can finish: same client, scope, and (for the browser) the
    /// same redirect URI, not expired.
    private func takeOver(_ credentials: StoredCredentials) -> PendingSignIn? {
        guard let pending = self.store.pendingSignIn(issuer: credentials.issuer, resource: credentials.resource),
            pending.isLive(at: Date()), pending.clientID == credentials.clientID, pending.scope == self.plan.scope
        else { return nil }
        switch self.plan.grant {
        case .authorizationCode:
            guard let request = pending.request, pending.link != nil, request.redirectURI == credentials.redirectURI
            else { return nil }
        case .deviceCode:
            guard pending.device != nil else { return nil }
        case .clientCredentials:
            return nil
        }
        self.logger.notice(
            "Taking over the sign-in another copy of the bridge started",
            metadata: ["started_by_pid": "\(pending.pid)"]
        )
        return pending
    }

    private func announce(_ pending: PendingSignIn) {
        self.provider.status.started(pending.instructions)
        // stderr is the host's log (Claude Desktop keeps it per server); the host's errors repeat the instructions,
        // without a device's user code.
        self.logger.notice("To use \(self.provider.resource.absoluteString), \(pending.logInstructions)")
    }

    private func browser(_ credentials: StoredCredentials, client: ClientAuthentication) async throws -> TokenResponse {
        guard let endpoint = credentials.authorizationEndpoint, let redirectURI = credentials.redirectURI else {
            throw BridgeError.authorization("the authorization server named no authorization endpoint")
        }
        var pending: PendingSignIn
        let takenOver: Bool
        if let existing = self.takeOver(credentials) {
            pending = existing
            takenOver = true
        } else {
            let request = try AuthorizationRequest(
                authorizationEndpoint: endpoint,
                issuer: credentials.issuer,
                clientID: credentials.clientID,
                redirectURI: redirectURI,
                scope: self.plan.scope,
                resource: credentials.resource,
                issParameterSupported: credentials.issParameterSupported,
                allowPlainHTTP: self.provider.oauth.http.settings.allowPlainHTTP
            )
            let now = Date()
            pending = PendingSignIn(
                issuer: credentials.issuer,
                resource: credentials.resource,
                clientID: credentials.clientID,
                scope: self.plan.scope,
                request: request,
                link: try SignInLink(redirectURI: redirectURI),
                device: nil,
                startedAt: now,
                expiresAt: now.addingTimeInterval(Self.seconds(self.settings.flowLifetime)),
                pid: getpid()
            )
            takenOver = false
        }
        guard let request = pending.request, let link = pending.link, let linkURL = URL(string: link.url) else {
            throw BridgeError.authorization("the pending sign-in has no request")
        }
        // Listening before anything points a browser here, so the redirect cannot arrive first.
        let listener = try await LoopbackCallbackServer.bind(
            port: self.provider.callbackPort,
            entrance: .init(link: link, destination: request.url, expiresAt: pending.expiresAt)
        )
        do {
            if !takenOver { try self.store.savePendingSignIn(pending) }
            self.announce(pending)
            if !takenOver {
                if self.settings.openBrowser {
                    let launcher = BrowserLauncher(command: self.settings.browserCommand, logger: self.logger)
                    if !launcher.open(linkURL) {
                        self.logger.warning("Could not open a browser: open the sign-in URL above yourself")
                    }
                } else {
                    self.logger.info("Not opening a browser (--no-browser)")
                }
            }
            let remaining = pending.expiresAt.timeIntervalSinceNow
            guard remaining > 0 else { throw BridgeError.authorization("the sign-in expired") }
            let code = try await withDeadline(.seconds(Int64(remaining.rounded(.up))), "the browser sign-in") {
                try await listener.waitForCode(serverName: self.provider.resourceName ?? self.provider.resource.host) {
                    query in
                    AuthorizationCallback.validate(query: query, for: request)
                }
            }
            await listener.close()
            return try await self.exchange(code, request: request, credentials: credentials, client: client)
        } catch {
            await listener.close()
            throw error
        }
    }

    private func exchange(
        _ code: String,
        request: AuthorizationRequest,
        credentials: StoredCredentials,
        client: ClientAuthentication
    ) async throws -> TokenResponse {
        let outcome = try await self.provider.oauth.exchangeCode(
            code,
            request: request,
            tokenEndpoint: credentials.tokenEndpoint,
            client: client
        )
        switch outcome {
        case .token(let token): return token
        case .invalidGrant(let reason):
            throw BridgeError.authorization("the authorization server refused the sign-in's code: \(reason)")
        case .invalidClient:
            throw BridgeError.authorization("the authorization server refused client \(credentials.clientID)")
        }
    }

    private func device(_ credentials: StoredCredentials, client: ClientAuthentication) async throws -> TokenResponse {
        guard let endpoint = credentials.deviceAuthorizationEndpoint else {
            throw BridgeError.authorization("the authorization server named no device authorization endpoint")
        }
        var pending: PendingSignIn
        if let existing = self.takeOver(credentials) {
            pending = existing
        } else {
            let authorization = try await self.provider.oauth.deviceAuthorization(
                endpoint: endpoint,
                client: client,
                scope: self.plan.scope,
                resource: credentials.resource
            )
            let now = Date()
            pending = PendingSignIn(
                issuer: credentials.issuer,
                resource: credentials.resource,
                clientID: credentials.clientID,
                scope: self.plan.scope,
                request: nil,
                link: nil,
                device: authorization,
                startedAt: now,
                expiresAt: min(
                    authorization.expiresAt,
                    now.addingTimeInterval(Self.seconds(self.settings.flowLifetime))
                ),
                pid: getpid()
            )
            try self.store.savePendingSignIn(pending)
        }
        guard let authorization = pending.device else {
            throw BridgeError.authorization("the pending sign-in has no device code")
        }
        self.announce(pending)
        // Bounded by the flow's lifetime too: the store's lock is held while polling.
        let remaining = pending.expiresAt.timeIntervalSinceNow
        guard remaining > 0 else { throw BridgeError.authorization("the device sign-in expired") }
        let oauth = self.provider.oauth
        let outcome = try await withDeadline(.seconds(Int64(remaining.rounded(.up))), "the device sign-in") {
            try await oauth.pollDeviceToken(
                authorization,
                tokenEndpoint: credentials.tokenEndpoint,
                client: client,
                resource: credentials.resource
            )
        }
        switch outcome {
        case .token(let token): return token
        case .invalidGrant(let reason): throw BridgeError.authorization("the device sign-in ended: \(reason)")
        case .invalidClient:
            throw BridgeError.authorization("the authorization server refused client \(credentials.clientID)")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
