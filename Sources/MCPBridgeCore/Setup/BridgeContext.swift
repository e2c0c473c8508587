public import Logging
import NIOCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What the user asked for, already validated: everything the relay and the commands need to reach a server.
public struct BridgeSettings: Sendable {
    public var serverURL: URL
    public var headers: [HeaderField]
    public var transport: TransportChoice
    /// The server's MCP era: found out (`auto`), or forced.
    public var protocolChoice: ProtocolChoice
    public var network: NetworkSettings
    public var clientName: String
    public var scope: String?
    public var refreshMargin: TimeInterval
    public var credentialDirectory: URL
    /// The largest message accepted from the host or the server: a stdin line, a JSON answer, and a line or
    /// event of an SSE stream.
    public var maxMessageBytes: Int
    /// The operator's initial access token, sent at the registration endpoint (RFC 7591 §3) when the server
    /// does not let just anyone register.
    public var registrationToken: InitialAccessToken?
    /// How a person signs in, where secrets are kept, and the client to sign in as.
    public var signIn: SignInSettings

    /// The message limit when none is given: 64 MiB.
    public static let defaultMaxMessageBytes = 64 << 20
    /// How long before expiry a token is renewed when nothing else is said, in seconds.
    public static let defaultRefreshMarginSeconds = 60

    public init(
        serverURL: URL,
        headers: [HeaderField] = [],
        transport: TransportChoice = .auto,
        protocolChoice: ProtocolChoice = .auto,
        network: NetworkSettings = NetworkSettings(),
        clientName: String = BridgeSettings.defaultClientName(),
        scope: String? = nil,
        refreshMargin: TimeInterval = TimeInterval(BridgeSettings.defaultRefreshMarginSeconds),
        credentialDirectory: URL,
        maxMessageBytes: Int = BridgeSettings.defaultMaxMessageBytes,
        registrationToken: InitialAccessToken? = nil,
        signIn: SignInSettings = SignInSettings()
    ) {
        self.serverURL = serverURL
        self.headers = headers
        self.transport = transport
        self.protocolChoice = protocolChoice
        self.network = network
        self.clientName = clientName
        self.scope = scope
        self.refreshMargin = refreshMargin
        self.credentialDirectory = credentialDirectory
        self.maxMessageBytes = maxMessageBytes
        self.registrationToken = registrationToken
        self.signIn = signIn
    }

    /// "mcp-bridge on HOSTNAME".
    public static func defaultClientName() -> String {
        "mcp-bridge on \(ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost")"
    }

    /// Whether the user supplied their own `Authorization` header (then the bridge does no OAuth).
    public var hasStaticAuthorization: Bool {
        self.headers.contains { $0.name.lowercased() == "authorization" }
    }
}

/// The live parts built from ``BridgeSettings``: one HTTP client, the credential store, the token provider.
public final class BridgeContext: Sendable {
    public let settings: BridgeSettings
    public let http: BridgeHTTP
    public let store: CredentialStore
    public let oauth: OAuthClient
    public let authorizer: Authorizer
    public let logger: Logger

    public init(settings: BridgeSettings, logger: Logger) throws(BridgeError) {
        try settings.network.check(settings.serverURL)
        self.settings = settings
        self.logger = logger
        let store = CredentialStore(
            directory: settings.credentialDirectory,
            secrets: try SecretStores.choose(
                settings.signIn.credentialStore,
                environment: ProcessInfo.processInfo.environment
            ),
            secretsRequired: settings.signIn.credentialStore == .keychain,
            logger: logger
        )
        // Before anything is read from it (files in a directory others can write may have been planted), and
        // before the HTTP client exists, which must not be dropped without a shutdown.
        try store.checkExistingDirectory()
        self.store = store
        self.http = try BridgeHTTP(settings: settings.network, logger: logger)
        self.oauth = OAuthClient(http: self.http)
        if settings.hasStaticAuthorization {
            self.authorizer = .staticHeaders
        } else {
            self.authorizer = .oauth(
                TokenProvider(
                    resource: settings.serverURL,
                    oauth: self.oauth,
                    store: self.store,
                    clientName: settings.clientName,
                    requestedScope: settings.scope,
                    registrationToken: settings.registrationToken,
                    refreshMargin: settings.refreshMargin,
                    signIn: settings.signIn,
                    logger: logger
                )
            )
        }
    }

    /// A connection to the server for the configured transport and protocol era, delivering server messages to
    /// `sink`, translating between the host's era and the server's where they differ (``EraTranslator``).
    public func makeConnection(sink: any ServerMessageSink) -> any ServerConnection {
        let router = UnsolicitedRouter(host: sink)
        let probe =
            self.settings.transport == .sse
            ? nil
            : EraProbe(
                url: self.settings.serverURL,
                builder: RequestBuilder(userHeaders: self.settings.headers),
                authorized: AuthorizedExchange(http: self.http, authorizer: self.authorizer),
                maxMessageBytes: self.settings.maxMessageBytes,
                logger: self.logger
            )
        let translator = EraTranslator(
            upstream: self.makeTransport(sink: router),
            router: router,
            host: sink,
            choice: self.settings.protocolChoice,
            probe: probe,
            store: self.store,
            serverURL: self.settings.serverURL,
            logger: self.logger,
            deadline: .nanoseconds(self.settings.network.timeout.nanoseconds)
        )
        guard let provider = self.authorizer.provider else { return translator }
        return SignInGate(
            inner: translator,
            provider: provider,
            host: sink,
            handshakeWait: self.settings.signIn.handshakeWait,
            signInWait: self.settings.signIn.signInWait,
            logger: self.logger
        )
    }

    /// The transport's connection, without era translation.
    func makeTransport(sink: any ServerMessageSink) -> any ServerConnection {
        let legacy: @Sendable () -> LegacySSEConnection = { [self] in
            LegacySSEConnection(
                url: self.settings.serverURL,
                http: self.http,
                authorizer: self.authorizer,
                headers: self.settings.headers,
                output: sink,
                maxMessageBytes: self.settings.maxMessageBytes,
                logger: self.logger
            )
        }
        switch self.settings.transport {
        case .sse:
            return legacy()
        case .http, .auto:
            let primary = StreamableHTTPConnection(
                url: self.settings.serverURL,
                http: self.http,
                authorizer: self.authorizer,
                headers: self.settings.headers,
                output: sink,
                fallback: self.settings.transport == .auto ? .allowed : .never,
                maxMessageBytes: self.settings.maxMessageBytes,
                logger: self.logger
            )
            return self.settings.transport == .auto
                ? AutoConnection(primary: primary, makeLegacy: legacy, logger: self.logger) : primary
        }
    }

    /// Closes the HTTP client.
    public func shutdown() async {
        await self.http.shutdown()
    }
}
