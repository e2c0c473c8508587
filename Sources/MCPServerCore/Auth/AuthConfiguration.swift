import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How the server authenticates `/mcp` and runs its authorization server.
public struct AuthConfiguration: Sendable {
    /// Who may register clients at `/dcr`.
    public enum RegistrationPolicy: String, Sendable, Hashable, CaseIterable {
        /// Anyone (rate-limited per IP).
        case open
        /// Only callers presenting the operator's initial access token (RFC 7591 §3).
        case token
        /// Nobody over HTTP; only the operator CLI (`mcp-server clients add`).
        case closed
    }

    /// `false` only for `--auth none` (local development).
    public var enabled: Bool
    /// Who may register clients that can get tokens without a person (any grant besides `authorization_code` and
    /// `refresh_token`, in practice `client_credentials`): such a client's token calls tools with nobody signed in.
    public var registration: RegistrationPolicy
    /// Who may register clients that only sign people in (`authorization_code`, `refresh_token`): MCP hosts such as
    /// Cursor and VS Code register themselves, and their tokens need a person to sign in and consent, so this is
    /// `open` by default even where ``registration`` is not.
    public var signInRegistration: RegistrationPolicy
    /// SHA-256 of the initial access token, for ``RegistrationPolicy/token``.
    public var initialAccessTokenHash: String?
    /// Lifetime of issued access tokens.
    public var tokenLifetime: Duration
    /// Registrations accepted per IP address per minute.
    public var registrationsPerMinutePerIP: Int
    /// Failed token requests accepted per IP address per minute; past it, failures are answered 429. Successful
    /// requests are limited per client instead, so one caller cannot lock out others behind the same address.
    public var tokenFailuresPerMinutePerIP: Int
    /// Token requests accepted per client per minute.
    public var tokenRequestsPerMinutePerClient: Int
    /// How long a verified token is trusted without asking the store again whether it was revoked, and whether its
    /// client, person and grant family still exist. Deletions and revocations through this server take effect at
    /// once; through another process within this interval.
    public var clientRecheckInterval: Duration
    /// The CA that issues `tls_client_auth` certificates; set when the server asks for client certificates
    /// (`--client-ca`), which also offers `self_signed_tls_client_auth` and certificate-bound tokens (RFC 8705).
    public var clientCertificateAuthority: ClientCertificateAuthority?
    /// Signing people in: the authorization code grant, refresh tokens, Client ID Metadata Documents, the upstream
    /// provider.
    public var signIn: SignInConfiguration

    public init(
        enabled: Bool = true,
        registration: RegistrationPolicy = .open,
        signInRegistration: RegistrationPolicy = .open,
        initialAccessTokenHash: String? = nil,
        tokenLifetime: Duration = .seconds(3600),
        registrationsPerMinutePerIP: Int = 30,
        tokenFailuresPerMinutePerIP: Int = 120,
        tokenRequestsPerMinutePerClient: Int = 60,
        clientRecheckInterval: Duration = .seconds(5),
        clientCertificateAuthority: ClientCertificateAuthority? = nil,
        signIn: SignInConfiguration = SignInConfiguration()
    ) {
        self.enabled = enabled
        self.registration = registration
        self.signInRegistration = signInRegistration
        self.initialAccessTokenHash = initialAccessTokenHash
        self.tokenLifetime = tokenLifetime
        self.registrationsPerMinutePerIP = registrationsPerMinutePerIP
        self.tokenFailuresPerMinutePerIP = tokenFailuresPerMinutePerIP
        self.tokenRequestsPerMinutePerClient = tokenRequestsPerMinutePerClient
        self.clientRecheckInterval = clientRecheckInterval
        self.clientCertificateAuthority = clientCertificateAuthority
        self.signIn = signIn
    }

    /// Whether the certificate methods and certificate-bound tokens of RFC 8705 are offered.
    public var mutualTLS: Bool { self.clientCertificateAuthority != nil }

    /// `tokenLifetime` in whole seconds.
    public var tokenLifetimeSeconds: Int { Int(self.tokenLifetime.components.seconds) }
}
