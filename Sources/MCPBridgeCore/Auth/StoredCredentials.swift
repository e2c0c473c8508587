#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

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
    /// How tokens are obtained: the `client_credentials` grant, or a person's sign-in (browser or device code).
    public var grant: GrantKind
    /// Where the client id came from: this bridge's registration, a Client ID Metadata Document, or the user.
    public var clientSource: ClientSource
    /// The refresh token of a person's sign-in (rotated on every use by most servers).
    public var refreshToken: String?
    /// The loopback redirect URI registered for (or used with) this client.
    public var redirectURI: String?
    /// The authorization server's endpoints a sign-in and `logout` need, as its metadata named them.
    public var authorizationEndpoint: String?
    public var deviceAuthorizationEndpoint: String?
    public var revocationEndpoint: String?
    /// Whether the server puts `iss` in authorization responses (RFC 9207), as its metadata says.
    public var issParameterSupported: Bool
    /// Who signed in, for `status` only (the ID token's or the access token's claims, never verified or trusted).
    public var account: String?
    /// Whether the secrets (client secret, refresh token, registration access token) live in the operating
    /// system's secret store instead of this file. While they do, a credential set loaded from the file alone
    /// has them `nil` (``CredentialStore/loadWithSecrets(issuer:resource:)`` fills them in).
    public var secretsInSystemStore: Bool

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
        registeredAt: Date = Date(),
        grant: GrantKind = .clientCredentials,
        clientSource: ClientSource = .registered,
        refreshToken: String? = nil,
        redirectURI: String? = nil,
        authorizationEndpoint: String? = nil,
        deviceAuthorizationEndpoint: String? = nil,
        revocationEndpoint: String? = nil,
        issParameterSupported: Bool = false,
        account: String? = nil,
        secretsInSystemStore: Bool = false
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
        self.grant = grant
        self.clientSource = clientSource
        self.refreshToken = refreshToken
        self.redirectURI = redirectURI
        self.authorizationEndpoint = authorizationEndpoint
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.issParameterSupported = issParameterSupported
        self.account = account
        self.secretsInSystemStore = secretsInSystemStore
    }

    /// Reads files written before sign-in existed too: what they lack is a registered `client_credentials` client.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.issuer = try container.decode(String.self, forKey: .issuer)
        self.resource = try container.decode(String.self, forKey: .resource)
        self.tokenEndpoint = try container.decode(String.self, forKey: .tokenEndpoint)
        self.registrationEndpoint = try container.decodeIfPresent(String.self, forKey: .registrationEndpoint)
        self.tokenEndpointAuthMethod = try container.decode(String.self, forKey: .tokenEndpointAuthMethod)
        self.clientID = try container.decode(String.self, forKey: .clientID)
        self.clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
        self.registrationAccessToken = try container.decodeIfPresent(String.self, forKey: .registrationAccessToken)
        self.registrationClientURI = try container.decodeIfPresent(String.self, forKey: .registrationClientURI)
        self.clientName = try container.decodeIfPresent(String.self, forKey: .clientName)
        self.scope = try container.decodeIfPresent(String.self, forKey: .scope)
        self.accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken)
        self.tokenExpiresAt = try container.decodeIfPresent(Date.self, forKey: .tokenExpiresAt)
        self.tokenIssuedAt = try container.decodeIfPresent(Date.self, forKey: .tokenIssuedAt)
        self.registeredAt = try container.decode(Date.self, forKey: .registeredAt)
        self.grant = try container.decodeIfPresent(GrantKind.self, forKey: .grant) ?? .clientCredentials
        self.clientSource = try container.decodeIfPresent(ClientSource.self, forKey: .clientSource) ?? .registered
        self.refreshToken = try container.decodeIfPresent(String.self, forKey: .refreshToken)
        self.redirectURI = try container.decodeIfPresent(String.self, forKey: .redirectURI)
        self.authorizationEndpoint = try container.decodeIfPresent(String.self, forKey: .authorizationEndpoint)
        self.deviceAuthorizationEndpoint = try container.decodeIfPresent(
            String.self,
            forKey: .deviceAuthorizationEndpoint
        )
        self.revocationEndpoint = try container.decodeIfPresent(String.self, forKey: .revocationEndpoint)
        self.issParameterSupported =
            try container.decodeIfPresent(Bool.self, forKey: .issParameterSupported) ?? false
        self.account = try container.decodeIfPresent(String.self, forKey: .account)
        self.secretsInSystemStore = try container.decodeIfPresent(Bool.self, forKey: .secretsInSystemStore) ?? false
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
        case grant
        case clientSource = "client_source"
        case refreshToken = "refresh_token"
        case redirectURI = "redirect_uri"
        case authorizationEndpoint = "authorization_endpoint"
        case deviceAuthorizationEndpoint = "device_authorization_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case issParameterSupported = "authorization_response_iss_parameter_supported"
        case account
        case secretsInSystemStore = "secrets_in_system_store"
    }
}

/// How a bridge obtains its tokens.
public enum GrantKind: String, Codable, Sendable, CaseIterable {
    /// RFC 6749 §4.4: the bridge is the client and no person signs in.
    case clientCredentials = "client_credentials"
    /// RFC 6749 §4.1 with PKCE: a person signs in in a browser, redirected to the bridge's loopback listener.
    case authorizationCode = "authorization_code"
    /// RFC 8628: a person signs in on any device with a code the bridge shows.
    case deviceCode = "device_code"
}

/// Where a client id came from (the MCP specification's order of preference, first to last).
public enum ClientSource: String, Codable, Sendable, CaseIterable {
    /// Given by the user (`--client-id`): registered with the authorization server beforehand.
    case preRegistered = "pre_registered"
    /// A Client ID Metadata Document URL (`--client-metadata-url`) the server fetches.
    case metadataDocument = "metadata_document"
    /// Dynamic Client Registration by this bridge (RFC 7591).
    case registered
}
