public import Logging
import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Supplies the bearer token for one MCP server and recovers when the server refuses it.
///
/// Tokens come from the ``CredentialStore`` when another bridge (or an earlier run) already has one, so a
/// restarted bridge sends its first request authenticated. Tokens are renewed ahead of expiry (a refresh token
/// where there is one); a 401 triggers discovery, a client (pre-registered, a Client ID Metadata Document, or
/// registration), and a new token: `client_credentials`, or a person's sign-in in the browser or with a device
/// code. All of it runs under the store's cross-process lock, so bridges started together register once, sign in
/// once and refresh once. One recovery runs at a time in a process; concurrent callers share its outcome.
///
/// A request waits for a person's sign-in at most ``SignInSettings/signInWait``, then fails with an error that
/// says where to sign in; the sign-in goes on, and the next request gets its token.
public actor TokenProvider {
    let resource: URL
    let oauth: OAuthClient
    let store: CredentialStore
    let clientName: String
    let requestedScope: String?
    let registrationToken: InitialAccessToken?
    let refreshMargin: TimeInterval
    let signIn: SignInSettings
    let logger: Logger
    private var credentials: StoredCredentials?
    private let recovering = SingleFlight<StoredCredentials>()
    /// What this process knows of a sign-in in progress, for errors and for the handshake the bridge answers.
    let status = SignInStatus()

    public init(
        resource: URL,
        oauth: OAuthClient,
        store: CredentialStore,
        clientName: String,
        requestedScope: String?,
        registrationToken: InitialAccessToken? = nil,
        refreshMargin: TimeInterval,
        signIn: SignInSettings = SignInSettings(),
        logger: Logger
    ) {
        self.resource = resource
        self.oauth = oauth
        self.store = store
        self.clientName = clientName
        self.requestedScope = requestedScope
        self.registrationToken = registrationToken
        self.refreshMargin = refreshMargin
        self.signIn = signIn
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
        // Without a refresh token this is a new sign-in, and the resource's metadata says where (the issuer on
        // record may not be the one the server names now).
        return try await self.recover(
            Need(
                known: credentials,
                failedToken: credentials.accessToken,
                challenge: nil,
                rediscover: credentials.refreshToken == nil
            )
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
        return try await self.recover(
            Need(known: self.credentials, failedToken: sentToken, challenge: challenge, rediscover: true)
        )
    }

    /// Called on 403 `insufficient_scope`: asks for the union of the current and the required scopes (a person
    /// signs in again for them), and returns the token to retry with.
    public func insufficientScope(challenge: BearerChallenge, sentToken: String?) async throws -> String {
        var scopes = Set(Self.scopes(self.credentials?.scope))
        let needed = Self.scopes(challenge.scope)
        guard !needed.isEmpty, !Set(needed).isSubset(of: scopes) else {
            throw BridgeError.authorization(
                "the server needs scope \(challenge.scope ?? "(unnamed)") and the token already asked for it"
            )
        }
        scopes.formUnion(needed)
        self.logger.notice(
            "The server needs more scope; asking for it",
            metadata: ["scope": "\(scopes.sorted().joined(separator: " "))"]
        )
        return try await self.recover(
            Need(
                known: self.credentials,
                failedToken: sentToken,
                challenge: challenge,
                rediscover: self.credentials == nil,
                scope: scopes.sorted().joined(separator: " ")
            )
        )
    }

    /// Signs in now (or takes the token another copy got), however long the person takes within the flow's
    /// lifetime: for `mcp-bridge login`, and for the handshake the bridge answered while a sign-in was pending.
    public func signInNow(challenge: BearerChallenge?) async throws -> StoredCredentials {
        if let running = await self.recovering.current() { return try await running.value }
        if let credentials, credentials.hasUsableToken(at: Date(), margin: self.refreshMargin) { return credentials }
        _ = try await self.recover(
            Need(
                known: self.credentials,
                failedToken: self.credentials?.accessToken,
                challenge: challenge,
                rediscover: true
            ),
            bounded: false
        )
        guard let credentials else { throw BridgeError.authorization("no credentials were obtained") }
        return credentials
    }

    /// Forgets the credentials in memory (after `logout`).
    func credentialsCleared() { self.credentials = nil }

    /// Whether a recovery (a sign-in, a refresh, a wait for another copy's) is running in this process.
    public var isRecovering: Bool {
        get async { await self.recovering.isRunning }
    }

    /// What a person must do to finish the sign-in in progress ("sign in at URL"), whichever copy runs it.
    public nonisolated func signInInstructions() -> String? {
        if let local = self.status.instructions { return local }
        guard let issuer = self.status.issuer else { return nil }
        return self.store.pendingSignIn(issuer: issuer, resource: self.resource.absoluteString).flatMap {
            $0.isLive(at: Date()) ? $0.instructions : nil
        }
    }

    /// The resource's name from its metadata (RFC 9728 `resource_name`), once discovery has run.
    public nonisolated var resourceName: String? { self.status.resourceName }

    /// What a recovery starts from.
    struct Need: Sendable {
        var known: StoredCredentials?
        var failedToken: String?
        var challenge: BearerChallenge?
        var rediscover: Bool
        /// The union of scopes a step-up asks for.
        var scope: String? = nil
    }

    private func recover(_ need: Need, bounded: Bool = true) async throws -> String {
        // The first caller's failure decides what is done; the others share its outcome.
        let outcome = await self.recovering.join { try await self.obtain(need) }
        let fresh: StoredCredentials
        if bounded {
            let wait = self.signIn.signInWait
            do {
                fresh = try await withDeadline(wait, "signing in") { try await outcome.value }
            } catch BridgeError.timeout {
                throw BridgeError.signInRequired(
                    self.signInInstructions() ?? "finish signing in where the bridge asked (see its log)"
                )
            }
        } else {
            fresh = try await outcome.value
        }
        self.credentials = fresh
        guard let token = fresh.accessToken else { throw BridgeError.authorization("no access token was issued") }
        return token
    }

    /// Whether `granted` covers every scope in `needed`.
    static func covers(_ granted: String?, _ needed: String?) -> Bool {
        Set(Self.scopes(needed)).isSubset(of: Set(Self.scopes(granted)))
    }

    static func scopes(_ text: String?) -> [String] {
        (text ?? "").split(separator: " ").map(String.init)
    }
}

/// What a process knows of a sign-in in progress; set by the flow, read by requests that give up waiting.
final class SignInStatus: Sendable {
    private struct State {
        var instructions: String?
        var issuer: String?
        var resourceName: String?
    }

    private let state = NIOLockedValueBox(State())

    var instructions: String? { self.state.withLockedValue { $0.instructions } }
    var issuer: String? { self.state.withLockedValue { $0.issuer } }
    var resourceName: String? { self.state.withLockedValue { $0.resourceName } }

    func started(_ instructions: String) { self.state.withLockedValue { $0.instructions = instructions } }
    func finished() { self.state.withLockedValue { $0.instructions = nil } }
    func discovered(issuer: String, resourceName: String?) {
        self.state.withLockedValue {
            $0.issuer = issuer
            if let resourceName { $0.resourceName = resourceName }
        }
    }
}
