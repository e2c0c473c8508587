/// OAuth 2.0 Authorization Server Metadata (RFC 8414 §2), with the members later RFCs and drafts add: revocation
/// (RFC 7009 via RFC 8414), `iss` in authorization responses (RFC 9207), certificate-bound tokens (RFC 8705),
/// the device authorization grant (RFC 8628) and Client ID Metadata Documents.
public struct AuthorizationServerMetadata: Codable, Sendable, Hashable {
    public var issuer: String
    public var authorizationEndpoint: String?
    public var tokenEndpoint: String
    public var registrationEndpoint: String?
    public var jwksURI: String?
    public var scopesSupported: [String]?
    public var responseTypesSupported: [String]
    /// RFC 8414 §2: how the authorization response is returned (`query` for the code flow).
    public var responseModesSupported: [String]?
    public var grantTypesSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    /// The JWS algorithms accepted for `private_key_jwt` assertions at the token endpoint.
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]?
    public var serviceDocumentation: String?
    /// RFC 7009 token revocation.
    public var revocationEndpoint: String?
    public var revocationEndpointAuthMethodsSupported: [String]?
    /// RFC 7636 PKCE methods (`S256`).
    public var codeChallengeMethodsSupported: [String]?
    /// RFC 8705 §3.3: the server binds access tokens to the client's TLS certificate.
    public var tlsClientCertificateBoundAccessTokens: Bool?
    /// RFC 9207 §3: authorization responses carry `iss`.
    public var authorizationResponseIssParameterSupported: Bool?
    /// draft-ietf-oauth-client-id-metadata-document: a `client_id` may be the URL of a Client ID Metadata Document.
    public var clientIDMetadataDocumentSupported: Bool?
    /// RFC 8628 §4: where a device asks for a user code (the device authorization grant).
    public var deviceAuthorizationEndpoint: String?

    public init(
        issuer: String,
        authorizationEndpoint: String?,
        tokenEndpoint: String,
        registrationEndpoint: String?,
        jwksURI: String?,
        scopesSupported: [String]?,
        responseTypesSupported: [String],
        responseModesSupported: [String]? = nil,
        grantTypesSupported: [String]?,
        tokenEndpointAuthMethodsSupported: [String]?,
        tokenEndpointAuthSigningAlgValuesSupported: [String]? = nil,
        serviceDocumentation: String? = nil,
        revocationEndpoint: String? = nil,
        revocationEndpointAuthMethodsSupported: [String]? = nil,
        codeChallengeMethodsSupported: [String]? = nil,
        tlsClientCertificateBoundAccessTokens: Bool? = nil,
        authorizationResponseIssParameterSupported: Bool? = nil,
        clientIDMetadataDocumentSupported: Bool? = nil,
        deviceAuthorizationEndpoint: String? = nil
    ) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.registrationEndpoint = registrationEndpoint
        self.jwksURI = jwksURI
        self.scopesSupported = scopesSupported
        self.responseTypesSupported = responseTypesSupported
        self.responseModesSupported = responseModesSupported
        self.grantTypesSupported = grantTypesSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.tokenEndpointAuthSigningAlgValuesSupported = tokenEndpointAuthSigningAlgValuesSupported
        self.serviceDocumentation = serviceDocumentation
        self.revocationEndpoint = revocationEndpoint
        self.revocationEndpointAuthMethodsSupported = revocationEndpointAuthMethodsSupported
        self.codeChallengeMethodsSupported = codeChallengeMethodsSupported
        self.tlsClientCertificateBoundAccessTokens = tlsClientCertificateBoundAccessTokens
        self.authorizationResponseIssParameterSupported = authorizationResponseIssParameterSupported
        self.clientIDMetadataDocumentSupported = clientIDMetadataDocumentSupported
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case registrationEndpoint = "registration_endpoint"
        case jwksURI = "jwks_uri"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case serviceDocumentation = "service_documentation"
        case revocationEndpoint = "revocation_endpoint"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tlsClientCertificateBoundAccessTokens = "tls_client_certificate_bound_access_tokens"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case clientIDMetadataDocumentSupported = "client_id_metadata_document_supported"
        case deviceAuthorizationEndpoint = "device_authorization_endpoint"
    }

    /// Decodes leniently where other servers differ: `response_types_supported` is required by RFC 8414, but an
    /// authorization server that only does `client_credentials` may leave it out; and a member this client only
    /// reads for information (revocation, PKCE methods, flags) that has the wrong type is taken as absent rather
    /// than making the whole document unusable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func lenient<Value: Decodable>(_ type: Value.Type, _ key: CodingKeys) -> Value? {
            (try? container.decodeIfPresent(type, forKey: key)) ?? nil
        }
        self.issuer = try container.decode(String.self, forKey: .issuer)
        self.authorizationEndpoint = try container.decodeIfPresent(String.self, forKey: .authorizationEndpoint)
        self.tokenEndpoint = try container.decode(String.self, forKey: .tokenEndpoint)
        self.registrationEndpoint = try container.decodeIfPresent(String.self, forKey: .registrationEndpoint)
        self.jwksURI = try container.decodeIfPresent(String.self, forKey: .jwksURI)
        self.scopesSupported = try container.decodeIfPresent([String].self, forKey: .scopesSupported)
        self.responseTypesSupported =
            try container.decodeIfPresent([String].self, forKey: .responseTypesSupported) ?? []
        self.responseModesSupported = lenient([String].self, .responseModesSupported)
        self.grantTypesSupported = try container.decodeIfPresent([String].self, forKey: .grantTypesSupported)
        self.tokenEndpointAuthMethodsSupported = try container.decodeIfPresent(
            [String].self,
            forKey: .tokenEndpointAuthMethodsSupported
        )
        self.tokenEndpointAuthSigningAlgValuesSupported = lenient(
            [String].self,
            .tokenEndpointAuthSigningAlgValuesSupported
        )
        self.serviceDocumentation = try container.decodeIfPresent(String.self, forKey: .serviceDocumentation)
        self.revocationEndpoint = lenient(String.self, .revocationEndpoint)
        self.revocationEndpointAuthMethodsSupported = lenient([String].self, .revocationEndpointAuthMethodsSupported)
        self.codeChallengeMethodsSupported = lenient([String].self, .codeChallengeMethodsSupported)
        self.tlsClientCertificateBoundAccessTokens = try container.decodeIfPresent(
            Bool.self,
            forKey: .tlsClientCertificateBoundAccessTokens
        )
        self.authorizationResponseIssParameterSupported = lenient(
            Bool.self,
            .authorizationResponseIssParameterSupported
        )
        self.clientIDMetadataDocumentSupported = lenient(Bool.self, .clientIDMetadataDocumentSupported)
        self.deviceAuthorizationEndpoint = lenient(String.self, .deviceAuthorizationEndpoint)
    }
}
