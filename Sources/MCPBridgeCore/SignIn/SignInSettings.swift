#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How the bridge gets its tokens (`--auth`).
public enum AuthChoice: String, CaseIterable, Sendable {
    /// From the server's metadata: `client_credentials` where the server offers it (no person needed), else a
    /// person signs in: in the browser, or with a device code when there is no display (over SSH) and the server
    /// offers it.
    case auto
    /// A person signs in in the system browser (authorization code with PKCE, loopback redirect).
    case browser
    /// A person signs in on any device with a code (RFC 8628).
    case device
    /// No person: the `client_credentials` grant.
    case clientCredentials = "client-credentials"
}

/// Where refresh tokens and client secrets are kept (`--credential-store`).
public enum CredentialStoreChoice: String, CaseIterable, Sendable {
    /// The operating system's secret store when one answers, else the file.
    case auto
    /// The 0600 file beside the rest of the credentials.
    case file
    /// The operating system's secret store (macOS Keychain, the Secret Service on Linux, Windows Credential
    /// Manager); an error when there is none.
    case keychain
}

/// A client registered with the authorization server beforehand (`--client-id`), and how it authenticates.
public struct PreRegisteredClient: Sendable, Hashable {
    /// How the client proves itself at the token endpoint.
    public enum Authentication: Sendable, Hashable {
        /// A public client: PKCE only.
        case none
        /// `client_secret_basic` or `client_secret_post`, whichever the server's metadata allows.
        case secret(String)
        /// `private_key_jwt` (RFC 7523): an assertion signed with this key.
        case privateKey(ClientSigningKey)
    }

    public var clientID: String
    public var authentication: Authentication

    public init(clientID: String, authentication: Authentication) {
        self.clientID = clientID
        self.authentication = authentication
    }
}

/// Whether a person can be shown a browser on this machine: no display over SSH means a device code instead.
public enum DisplayAvailability: Sendable, Hashable {
    case available
    /// A remote shell without a graphical display (`SSH_CONNECTION` with no `DISPLAY` or `WAYLAND_DISPLAY`).
    case none

    /// What the environment says.
    public static func detect(environment: [String: String]) -> DisplayAvailability {
        #if os(macOS) || os(Windows)
        return environment["SSH_CONNECTION"] == nil && environment["SSH_TTY"] == nil ? .available : .none
        #else
        let graphical = [environment["DISPLAY"], environment["WAYLAND_DISPLAY"]].contains { !($0 ?? "").isEmpty }
        return graphical || (environment["SSH_CONNECTION"] == nil && environment["SSH_TTY"] == nil)
            ? .available : .none
        #endif
    }
}

/// Everything about signing in that the user chose, validated.
public struct SignInSettings: Sendable {
    public var auth: AuthChoice
    /// `--client-id` with its secret or key, if given.
    public var preRegisteredClient: PreRegisteredClient?
    /// `--client-metadata-url`: this bridge's Client ID Metadata Document, used where the server supports them.
    public var clientMetadataURL: URL?
    /// `--callback-port`; `nil` derives a stable port from the server URL (``CallbackPort``).
    public var callbackPort: Int?
    /// `false` with `--no-browser`: the sign-in URL is only printed.
    public var openBrowser: Bool
    /// `$BROWSER`: the command that opens a URL, instead of the system's.
    public var browserCommand: String?
    /// How long a request that needs a token waits for a person to finish signing in before it gets an error
    /// that says where to sign in (the sign-in goes on).
    public var signInWait: Duration
    /// How long the host's `initialize` (or `server/discover`) waits for a sign-in before the bridge answers it
    /// itself, so the host does not give up on the bridge while a person signs in.
    public var handshakeWait: Duration
    /// How long one browser or device sign-in may take before it is abandoned.
    public var flowLifetime: Duration
    public var credentialStore: CredentialStoreChoice
    public var display: DisplayAvailability

    public static let defaultSignInWaitSeconds = 45
    public static let defaultHandshakeWait: Duration = .seconds(5)
    public static let defaultFlowLifetime: Duration = .seconds(600)

    public init(
        auth: AuthChoice = .auto,
        preRegisteredClient: PreRegisteredClient? = nil,
        clientMetadataURL: URL? = nil,
        callbackPort: Int? = nil,
        openBrowser: Bool = true,
        browserCommand: String? = nil,
        signInWait: Duration = .seconds(SignInSettings.defaultSignInWaitSeconds),
        handshakeWait: Duration = SignInSettings.defaultHandshakeWait,
        flowLifetime: Duration = SignInSettings.defaultFlowLifetime,
        credentialStore: CredentialStoreChoice = .auto,
        display: DisplayAvailability = .available
    ) {
        self.auth = auth
        self.preRegisteredClient = preRegisteredClient
        self.clientMetadataURL = clientMetadataURL
        self.callbackPort = callbackPort
        self.openBrowser = openBrowser
        self.browserCommand = browserCommand
        self.signInWait = signInWait
        self.handshakeWait = handshakeWait
        self.flowLifetime = flowLifetime
        self.credentialStore = credentialStore
        self.display = display
    }
}
