/// OAuth 2.0 Authorization Server Metadata (RFC 8414 §2).
public struct AuthorizationServerMetadata: Codable, Sendable, Hashable {
    public var issuer: String
    public var authorizationEndpoint: String?
    public var tokenEndpoint: String
    public var registrationEndpoint: String?
    public var jwksURI: String?
    public var scopesSupported: [String]?
    public var responseTypesSupported: [String]
    public var grantTypesSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    public var serviceDocumentation: String?
    /// RFC 8705 §3.3: the server binds access tokens to the client's TLS certificate.
    public var tlsClientCertificateBoundAccessTokens: Bool?

    public init(
        issuer: String,
        authorizationEndpoint: String?,
        tokenEndpoint: String,
        registrationEndpoint: String?,
        jwksURI: String?,
        scopesSupported: [String]?,
        responseTypesSupported: [String],
        grantTypesSupported: [String]?,
        tokenEndpointAuthMethodsSupported: [String]?,
        serviceDocumentation: String? = nil,
        tlsClientCertificateBoundAccessTokens: Bool? = nil
    ) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.registrationEndpoint = registrationEndpoint
        self.jwksURI = jwksURI
        self.scopesSupported = scopesSupported
        self.responseTypesSupported = responseTypesSupported
        self.grantTypesSupported = grantTypesSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.serviceDocumentation = serviceDocumentation
        self.tlsClientCertificateBoundAccessTokens = tlsClientCertificateBoundAccessTokens
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case registrationEndpoint = "registration_endpoint"
        case jwksURI = "jwks_uri"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case grantTypesSupported = "grant_types_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case serviceDocumentation = "service_documentation"
        case tlsClientCertificateBoundAccessTokens = "tls_client_certificate_bound_access_tokens"
    }

    /// Decodes leniently where other servers differ: `response_types_supported` is required by RFC 8414, but an
    /// authorization server that only does `client_credentials` may leave it out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.issuer = try container.decode(String.self, forKey: .issuer)
        self.authorizationEndpoint = try container.decodeIfPresent(String.self, forKey: .authorizationEndpoint)
        self.tokenEndpoint = try container.decode(String.self, forKey: .tokenEndpoint)
        self.registrationEndpoint = try container.decodeIfPresent(String.self, forKey: .registrationEndpoint)
        self.jwksURI = try container.decodeIfPresent(String.self, forKey: .jwksURI)
        self.scopesSupported = try container.decodeIfPresent([String].self, forKey: .scopesSupported)
        self.responseTypesSupported =
            try container.decodeIfPresent([String].self, forKey: .responseTypesSupported) ?? []
        self.grantTypesSupported = try container.decodeIfPresent([String].self, forKey: .grantTypesSupported)
        self.tokenEndpointAuthMethodsSupported = try container.decodeIfPresent(
            [String].self,
            forKey: .tokenEndpointAuthMethodsSupported
        )
        self.serviceDocumentation = try container.decodeIfPresent(String.self, forKey: .serviceDocumentation)
        self.tlsClientCertificateBoundAccessTokens = try container.decodeIfPresent(
            Bool.self,
            forKey: .tlsClientCertificateBoundAccessTokens
        )
    }
}
