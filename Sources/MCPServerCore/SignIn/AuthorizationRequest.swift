import MCPWire

/// A validated `/authorize` request for the authorization code grant with PKCE.
///
/// ```swift
/// let query = try AuthorizationQuery(rawQuery: request.uri.query ?? "")
/// let client = await lookUp(query.clientID)   // nil for a missing or unknown client
/// let authorization = try AuthorizationRequest(
///     query: query, client: client, mcpURL: urls.resource, issuer: urls.issuer)
/// ```
///
/// Checks run in RFC 6749 §4.1.2.1's order: first everything that decides whether the redirect URI can be
/// trusted (client, `redirect_uri`), whose failures are ``AuthorizationError/showOnPage(error:description:)``;
/// then the rest, whose failures are ``AuthorizationError/redirect(error:description:state:redirectURI:iss:)``.
public struct AuthorizationRequest: Sendable, Hashable {
    /// The longest `state` and `nonce` echoed or stored.
    public static let maxStateLength = 1024
    /// Scopes a client may ask for that grant nothing here; dropped rather than refused.
    static let ignoredScopes: Set<String> = ["offline_access"]
    /// Parameters that must appear at most once, beyond `client_id` and `redirect_uri`.
    static let singleParameters = [
        "response_type", "state", "code_challenge", "code_challenge_method", "scope", "nonce", "response_mode",
        "prompt",
    ]

    /// The client's id.
    public let clientID: String
    /// The `redirect_uri` exactly as sent (for a loopback URI, with the port the client is listening on); the
    /// code is bound to it and `/token` compares it byte for byte.
    public let redirectURI: String
    /// What kind of redirect URI it is, for the consent page's warnings.
    public let redirectURIKind: RedirectURIPolicy.Kind
    /// The client's `state`, to echo byte for byte; `nil` when it sent none.
    public let state: String?
    /// The `S256` code challenge.
    public let codeChallenge: String
    /// The scopes to ask the person for: the requested ones, or the client's when it asked for none.
    public let scopes: [String]
    /// This server's MCP URL, the tokens' audience, in its canonical spelling whatever form the client sent.
    public let resource: String
    /// An OpenID Connect `nonce`, kept for a later ID token; `nil` when absent.
    public let nonce: String?
    /// The `prompt` values: whether to sign in again, show consent again, or show nothing.
    public let prompts: Set<AuthorizationPrompt>

    /// Validates `query` for `client`.
    /// - Parameters:
    ///   - client: the client `query.clientID` names, or `nil` when there is no such client.
    ///   - mcpURL: this server's MCP endpoint, the only acceptable `resource`.
    ///   - issuer: this server's issuer identifier, sent as `iss` with redirected errors.
    /// - Throws: ``AuthorizationError``.
    public init(
        query: AuthorizationQuery,
        client: AuthorizationClient?,
        mcpURL: String,
        issuer: String
    ) throws(AuthorizationError) {
        // 1. Shown on a page: nothing about the redirect URI is trustworthy yet.
        let clientID: String
        switch query["client_id"] {
        case .absent: throw Self.page("invalid_request", "client_id is required")
        case .repeated: throw Self.page("invalid_request", "client_id appears more than once")
        case .value(let id): clientID = id
        }
        guard let client, client.id == clientID else {
            throw Self.page("invalid_client", "this client is not known to the server")
        }
        let redirectURI: String
        switch query["redirect_uri"] {
        case .absent: throw Self.page("invalid_request", "redirect_uri is required")
        case .repeated: throw Self.page("invalid_request", "redirect_uri appears more than once")
        case .value(let uri): redirectURI = uri
        }
        guard RedirectURIPolicy.matches(redirectURI, registered: client.redirectURIs),
            let kind = try? RedirectURIPolicy.check(redirectURI, allowingPrivateUseSchemes: true)
        else { throw Self.page("invalid_request", "redirect_uri is not registered for this client") }

        // 2. Redirected: the redirect URI is registered for this client.
        var state: String?
        // Reads `state` when called, so errors after the state check echo it.
        let redirect = { (error: String, description: String) in
            AuthorizationError.redirect(
                error: error,
                description: description,
                state: state,
                redirectURI: redirectURI,
                iss: issuer
            )
        }
        switch query["state"] {
        case .absent: break
        case .repeated: throw redirect("invalid_request", "state appears more than once")
        case .value(let value):
            // Not echoed when refused: an over-long or binary state is not something to put back in a URL.
            guard Self.isVisibleASCII(value, maxLength: Self.maxStateLength) else {
                throw redirect("invalid_request", "state must be 1 to 1024 visible ASCII characters")
            }
            state = value
        }
        for name in Self.singleParameters where query[name] == .repeated {
            throw redirect("invalid_request", "\(name) appears more than once")
        }
        if query["request"] != .absent {
            throw redirect("request_not_supported", "request objects are not supported")
        }
        if query["request_uri"] != .absent {
            throw redirect("request_uri_not_supported", "request_uri is not supported")
        }

        switch query["response_type"] {
        case .value("code"): break
        case .absent: throw redirect("invalid_request", "response_type is required")
        default: throw redirect("unsupported_response_type", "response_type must be code")
        }
        if case .value(let mode) = query["response_mode"], mode != "query" {
            throw redirect("invalid_request", "response_mode must be query")
        }
        guard client.mayUseAuthorizationCode else {
            throw redirect("unauthorized_client", "this client is not registered for the authorization_code grant")
        }

        do {
            try PKCE.checkChallenge(query["code_challenge"].value, method: query["code_challenge_method"].value)
        } catch {
            throw redirect("invalid_request", error.description)
        }

        var scopes = OAuthScope.parse(query["scope"].value ?? "").filter { !Self.ignoredScopes.contains($0) }
        if let refused = scopes.first(where: { !client.scopes.contains($0) }) {
            throw redirect("invalid_scope", "scope '\(refused)' is not available to this client")
        }
        if scopes.isEmpty { scopes = client.scopes }
        guard !scopes.isEmpty else { throw redirect("invalid_scope", "this client has no scopes to ask for") }

        switch query["resource"] {
        case .absent: break
        case .repeated: throw redirect("invalid_target", "this server issues tokens for one resource: \(mcpURL)")
        case .value(let resource):
            guard ResourceIndicator.names(resource, mcpURL: mcpURL) else {
                throw redirect("invalid_target", "resource must be \(mcpURL)")
            }
        }

        var nonce: String?
        if case .value(let value) = query["nonce"] {
            guard Self.isVisibleASCII(value, maxLength: Self.maxStateLength) else {
                throw redirect("invalid_request", "nonce must be 1 to 1024 visible ASCII characters")
            }
            nonce = value
        }

        var prompts: Set<AuthorizationPrompt> = []
        if case .value(let value) = query["prompt"] {
            guard let parsed = AuthorizationPrompt.parse(value) else {
                throw redirect("invalid_request", "prompt none cannot be combined with other values")
            }
            prompts = parsed
        }

        self.clientID = clientID
        self.redirectURI = redirectURI
        self.redirectURIKind = kind
        self.state = state
        self.codeChallenge = query["code_challenge"].value ?? ""
        self.scopes = scopes
        self.resource = mcpURL
        self.nonce = nonce
        self.prompts = prompts
    }

    private static func page(_ error: String, _ description: String) -> AuthorizationError {
        .showOnPage(error: error, description: description)
    }

    /// RFC 6749 Appendix A.5: `state` is `1*VSCHAR` (`%x20-7E`).
    private static func isVisibleASCII(_ value: String, maxLength: Int) -> Bool {
        (1...maxLength).contains(value.utf8.count) && value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}

extension AuthorizationQuery.Lookup {
    /// The value when there is exactly one.
    fileprivate var value: String? {
        if case .value(let value) = self { return value }
        return nil
    }
}
