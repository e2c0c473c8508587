import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One browser sign-in (RFC 6749 §4.1 with PKCE, RFC 8252 loopback redirect): what the authorization URL carries
/// and what the callback is checked against.
///
/// It is `Codable` because it outlives the process that made it: a host may restart the bridge while a person is
/// signing in, and the next copy finishes the same sign-in (same `state`, same verifier) instead of opening
/// another tab. The verifier is a secret: keep it where credentials are kept, never in a log.
public struct AuthorizationRequest: Codable, Sendable, Hashable {
    /// The authorization server's `authorization_endpoint`.
    public let authorizationEndpoint: String
    /// The authorization server's issuer identifier, as its metadata gave it: `iss` in the callback must be this
    /// string exactly (RFC 9207 §2.4).
    public let issuer: String
    public let clientID: String
    /// The loopback redirect URI, `http://127.0.0.1:PORT/callback` (RFC 8252 §7.3).
    public let redirectURI: String
    /// The space-separated scopes asked for, if any.
    public let scope: String?
    /// The MCP server the token is for (RFC 8707 `resource`).
    public let resource: String
    /// The unguessable value that ties the callback to this request (RFC 6749 §10.12).
    public let state: String
    /// The PKCE `code_verifier` (RFC 7636).
    public let codeVerifier: String
    /// Whether the server's metadata says authorization responses carry `iss` (RFC 9207 §3): if so, a callback
    /// without it is refused.
    public let issParameterSupported: Bool
    public let createdAt: Date
    /// The URL to open in the browser: the endpoint with its own query kept, then `response_type=code`,
    /// `client_id`, `redirect_uri`, `code_challenge`, `code_challenge_method=S256`, `state`, `resource`, and
    /// `scope` when there is one, each percent-encoded. Built (and checked) when the request is made or read back.
    public let url: URL

    /// Random bytes behind `state`: 32 (256 bits), well over the 128 bits an attacker must not guess.
    static let stateEntropyBytes = 32

    /// A new sign-in with a fresh `state` and PKCE verifier; ``url`` is the address to open.
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` when the authorization endpoint is not an `https://` URL (plain
    ///   `http://` only to this machine, or anywhere with `allowPlainHTTP`), has a fragment, or already carries a
    ///   parameter this request sets (OAuth parameters must not repeat, RFC 6749 §3.1).
    public init(
        authorizationEndpoint: String,
        issuer: String,
        clientID: String,
        redirectURI: String,
        scope: String?,
        resource: String,
        issParameterSupported: Bool,
        allowPlainHTTP: Bool = false,
        createdAt: Date = Date()
    ) throws(BridgeError) {
        self.authorizationEndpoint = authorizationEndpoint
        self.issuer = issuer
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.scope = scope.flatMap { $0.isEmpty ? nil : $0 }
        self.resource = resource
        self.state = SecureRandom.token(bytes: Self.stateEntropyBytes)
        self.codeVerifier = PKCE().verifier
        self.issParameterSupported = issParameterSupported
        self.createdAt = createdAt
        try Self.checkEndpoint(authorizationEndpoint, allowPlainHTTP: allowPlainHTTP)
        self.url = try Self.authorizationURL(
            endpoint: authorizationEndpoint,
            clientID: clientID,
            redirectURI: redirectURI,
            codeChallenge: PKCE.challenge(for: self.codeVerifier),
            state: self.state,
            resource: resource,
            scope: self.scope
        )
    }

    /// A request read back (a pending sign-in another copy of the bridge started); its URL is built again, and
    /// a request whose URL cannot be built is not one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.authorizationEndpoint = try container.decode(String.self, forKey: .authorizationEndpoint)
        self.issuer = try container.decode(String.self, forKey: .issuer)
        self.clientID = try container.decode(String.self, forKey: .clientID)
        self.redirectURI = try container.decode(String.self, forKey: .redirectURI)
        self.scope = try container.decodeIfPresent(String.self, forKey: .scope)
        self.resource = try container.decode(String.self, forKey: .resource)
        self.state = try container.decode(String.self, forKey: .state)
        self.codeVerifier = try container.decode(String.self, forKey: .codeVerifier)
        self.issParameterSupported = try container.decode(Bool.self, forKey: .issParameterSupported)
        self.createdAt = try container.decode(Date.self, forKey: .createdAt)
        guard PKCE.isValidVerifier(self.codeVerifier) else {
            throw DecodingError.dataCorruptedError(
                forKey: .codeVerifier,
                in: container,
                debugDescription: "not a PKCE code verifier"
            )
        }
        do {
            self.url = try Self.authorizationURL(
                endpoint: self.authorizationEndpoint,
                clientID: self.clientID,
                redirectURI: self.redirectURI,
                codeChallenge: PKCE.challenge(for: self.codeVerifier),
                state: self.state,
                resource: self.resource,
                scope: self.scope
            )
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .authorizationEndpoint,
                in: container,
                debugDescription: "\(error)"
            )
        }
    }

    /// The PKCE `code_challenge` sent in the URL.
    public var codeChallenge: String { PKCE.challenge(for: self.codeVerifier) }

    /// The authorization URL: `endpoint` with its own query kept and this request's parameters added.
    static func authorizationURL(
        endpoint: String,
        clientID: String,
        redirectURI: String,
        codeChallenge: String,
        state: String,
        resource: String,
        scope: String?
    ) throws(BridgeError) -> URL {
        guard var components = URLComponents(string: endpoint) else {
            throw .configuration("the authorization endpoint \(endpoint) is not a URL")
        }
        var parameters = [
            ("response_type", "code"),
            ("client_id", clientID),
            ("redirect_uri", redirectURI),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", PKCE.method),
            ("state", state),
            ("resource", resource),
        ]
        if let scope { parameters.append(("scope", scope)) }
        let existing = components.percentEncodedQuery.flatMap { $0.isEmpty ? nil : $0 }
        if let existing {
            let names = Set((PercentEncoding.pairs(existing) ?? []).map(\.name))
            if let repeated = parameters.first(where: { names.contains($0.0) }) {
                throw .configuration(
                    "the authorization endpoint \(endpoint) already carries `\(repeated.0)`; OAuth parameters must not repeat"
                )
            }
        }
        let ours = parameters.map { "\($0)=\(PercentEncoding.encode($1))" }.joined(separator: "&")
        components.percentEncodedQuery = existing.map { "\($0)&\(ours)" } ?? ours
        guard let url = components.url else {
            throw .configuration("the authorization endpoint \(endpoint) is not a URL")
        }
        return url
    }

    /// Refuses endpoints a browser should not be sent to with a sign-in: the rules of
    /// ``NetworkSettings/check(_:)``, and no fragment (RFC 6749 §3.1).
    static func checkEndpoint(_ endpoint: String, allowPlainHTTP: Bool) throws(BridgeError) {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false
        else {
            throw .configuration("the authorization endpoint \(endpoint) is not a URL")
        }
        guard scheme == "https" || scheme == "http" else {
            throw .configuration("the authorization endpoint \(endpoint) is not https://")
        }
        if scheme == "http" && !allowPlainHTTP && !NetworkSettings.isLoopback(url) {
            throw .configuration(
                "refusing to sign in at the plain http:// authorization endpoint \(endpoint): the sign-in would travel unencrypted. The server must use https://, or pass --allow-http"
            )
        }
        guard url.fragment == nil else {
            throw .configuration("the authorization endpoint \(endpoint) has a fragment (RFC 6749 §3.1 forbids one)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case issuer, scope, resource, state
        case authorizationEndpoint = "authorization_endpoint"
        case clientID = "client_id"
        case redirectURI = "redirect_uri"
        case codeVerifier = "code_verifier"
        case issParameterSupported = "authorization_response_iss_parameter_supported"
        case createdAt = "created_at"
    }
}
