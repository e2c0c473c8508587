public import Foundation
import MCPWire
import NIOConcurrencyHelpers

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
    public var registration: RegistrationPolicy
    /// SHA-256 of the initial access token, for ``RegistrationPolicy/token``.
    public var initialAccessTokenHash: String?
    /// Lifetime of issued access tokens.
    public var tokenLifetime: Duration
    /// Registrations accepted per IP address per minute.
    public var registrationsPerMinutePerIP: Int
    /// Token requests accepted per IP address per minute.
    public var tokenRequestsPerMinutePerIP: Int
    /// Token requests accepted per client per minute.
    public var tokenRequestsPerMinutePerClient: Int
    /// How long a verified token is trusted without asking the store whether its client still exists.
    /// Deletions through this server take effect at once; through another process within this interval.
    public var clientRecheckInterval: Duration

    public init(
        enabled: Bool = true,
        registration: RegistrationPolicy = .open,
        initialAccessTokenHash: String? = nil,
        tokenLifetime: Duration = .seconds(3600),
        registrationsPerMinutePerIP: Int = 30,
        tokenRequestsPerMinutePerIP: Int = 120,
        tokenRequestsPerMinutePerClient: Int = 60,
        clientRecheckInterval: Duration = .seconds(5)
    ) {
        self.enabled = enabled
        self.registration = registration
        self.initialAccessTokenHash = initialAccessTokenHash
        self.tokenLifetime = tokenLifetime
        self.registrationsPerMinutePerIP = registrationsPerMinutePerIP
        self.tokenRequestsPerMinutePerIP = tokenRequestsPerMinutePerIP
        self.tokenRequestsPerMinutePerClient = tokenRequestsPerMinutePerClient
        self.clientRecheckInterval = clientRecheckInterval
    }

    /// `tokenLifetime` in whole seconds.
    var tokenLifetimeSeconds: Int { Int(self.tokenLifetime.components.seconds) }
}

/// The URLs the server publishes, all derived from its public base URL.
///
/// With a base URL that has a path (an API Gateway stage, `https://x.example/prod`), every URL keeps that
/// prefix: the MCP endpoint is `https://x.example/prod/mcp`, the issuer `https://x.example/prod`.
///
/// A reference type because the base may only be known once the socket is bound (`--port 0` without
/// `--public-url`): ``resolve(base:)`` fills it in before the server announces itself.
public final class ServerURLs: Sendable {
    private let baseBox: NIOLockedValueBox<String>
    /// The path part of the base URL (`""` or `/prod`); fixed, because routes are built from it.
    public let pathPrefix: String

    public init(base: URL) {
        self.baseBox = NIOLockedValueBox(Self.trimmed(base.absoluteString))
        var path = base.path
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path
    }

    /// Sets the base once the real address is known; the path prefix stays what it was.
    public func resolve(base: URL) {
        self.baseBox.withLockedValue { $0 = Self.trimmed(base.absoluteString) }
    }

    private static func trimmed(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The public base URL, without a trailing slash.
    public var base: String { self.baseBox.withLockedValue { $0 } }
    /// The MCP endpoint: the protected resource's identifier and the tokens' audience.
    public var resource: String { self.base + "/mcp" }
    /// The authorization server's issuer identifier.
    public var issuer: String { self.base }
    public var token: String { self.base + "/token" }
    public var registration: String { self.base + "/dcr" }
    public var authorization: String { self.base + "/authorize" }
    public var jwks: String { self.base + "/jwks.json" }
    /// Where `WWW-Authenticate` points: under the prefix, so a stage-prefixed gateway can route it.
    public var protectedResourceMetadata: String { self.base + "/.well-known/oauth-protected-resource" }

    /// RFC 7592 `registration_client_uri` for a client.
    public func client(_ id: String) -> String { self.base + "/clients/" + id }
}
