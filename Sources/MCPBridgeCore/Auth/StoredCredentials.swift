public import Foundation

/// What the bridge keeps for one (authorization server, resource) pair: the registration and the current token.
public struct StoredCredentials: Codable, Sendable, Hashable {
    /// The authorization server's issuer identifier (its metadata's `issuer`).
    public var issuer: String
    /// The MCP server URL the token is for (RFC 8707 `resource`).
    public var resource: String
    public var tokenEndpoint: String
    public var registrationEndpoint: String?
    /// How the client authenticates at the token endpoint: `client_secret_basic` or `client_secret_post`.
    public var tokenEndpointAuthMethod: String
    public var clientID: String
    public var clientSecret: String?
    /// RFC 7592: lets `mcp-bridge logout` delete the registration on the server.
    public var registrationAccessToken: String?
    public var registrationClientURI: String?
    public var clientName: String?
    /// The scope requested for tokens (space-separated), if any.
    public var scope: String?
    public var accessToken: String?
    /// When the access token expires (absolute, so a restarted bridge knows; relative `expires_in` alone is
    /// how other bridges end up using dead tokens).
    public var tokenExpiresAt: Date?
    /// When the access token was issued (with the expiry, gives its lifetime).
    public var tokenIssuedAt: Date?
    public var registeredAt: Date

    public init(
        issuer: String,
        resource: String,
        tokenEndpoint: String,
        registrationEndpoint: String?,
        tokenEndpointAuthMethod: String,
        clientID: String,
        clientSecret: String?,
        registrationAccessToken: String?,
        registrationClientURI: String?,
        clientName: String?,
        scope: String?,
        accessToken: String? = nil,
        tokenExpiresAt: Date? = nil,
        tokenIssuedAt: Date? = nil,
        registeredAt: Date = Date()
    ) {
        self.issuer = issuer
        self.resource = resource
        self.tokenEndpoint = tokenEndpoint
        self.registrationEndpoint = registrationEndpoint
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.registrationAccessToken = registrationAccessToken
        self.registrationClientURI = registrationClientURI
        self.clientName = clientName
        self.scope = scope
        self.accessToken = accessToken
        self.tokenExpiresAt = tokenExpiresAt
        self.tokenIssuedAt = tokenIssuedAt
        self.registeredAt = registeredAt
    }

    /// Whether the stored token is usable at `now` with `margin` to spare. The margin is at most half the
    /// token's lifetime, so short-lived tokens are renewed halfway rather than on every request.
    public func hasUsableToken(at now: Date, margin: TimeInterval) -> Bool {
        guard self.accessToken != nil else { return false }
        guard let expiry = self.tokenExpiresAt else { return true }
        var effective = margin
        if let issued = self.tokenIssuedAt { effective = min(margin, expiry.timeIntervalSince(issued) / 2) }
        return expiry.timeIntervalSince(now) > effective
    }

    enum CodingKeys: String, CodingKey {
        case issuer, resource, scope
        case tokenEndpoint = "token_endpoint"
        case registrationEndpoint = "registration_endpoint"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case registrationAccessToken = "registration_access_token"
        case registrationClientURI = "registration_client_uri"
        case clientName = "client_name"
        case accessToken = "access_token"
        case tokenExpiresAt = "token_expires_at"
        case tokenIssuedAt = "token_issued_at"
        case registeredAt = "registered_at"
    }
}
