/// The client metadata of RFC 7591 §2 that remote-mcp registers and echoes.
public struct ClientMetadata: Codable, Sendable, Hashable {
    public var redirectURIs: [String]?
    public var tokenEndpointAuthMethod: String?
    public var grantTypes: [String]?
    public var responseTypes: [String]?
    public var clientName: String?
    public var clientURI: String?
    public var logoURI: String?
    public var scope: String?
    public var contacts: [String]?
    public var tosURI: String?
    public var policyURI: String?
    public var softwareID: String?
    public var softwareVersion: String?
    /// OIDC DCR / MCP 2026-07-28: `native` or `web`.
    public var applicationType: String?
    /// RFC 8705 §2.1.2: the subject DN the client's certificate must have, for `tls_client_auth`.
    public var tlsClientAuthSubjectDN: String?
    /// RFC 7591 `jwks`: the client's public keys, for `private_key_jwt`, or its certificates (`x5c`) for
    /// `self_signed_tls_client_auth`.
    public var jwks: JSONValue?
    /// RFC 7591 `jwks_uri`: where the client publishes its public keys, for `private_key_jwt` (never with `jwks`).
    public var jwksURI: String?
    /// RFC 8705 §3.4: the client wants its access tokens bound to its TLS certificate.
    public var tlsClientCertificateBoundAccessTokens: Bool?

    public init(
        redirectURIs: [String]? = nil,
        tokenEndpointAuthMethod: String? = nil,
        grantTypes: [String]? = nil,
        responseTypes: [String]? = nil,
        clientName: String? = nil,
        clientURI: String? = nil,
        logoURI: String? = nil,
        scope: String? = nil,
        contacts: [String]? = nil,
        tosURI: String? = nil,
        policyURI: String? = nil,
        softwareID: String? = nil,
        softwareVersion: String? = nil,
        applicationType: String? = nil,
        tlsClientAuthSubjectDN: String? = nil,
        jwks: JSONValue? = nil,
        tlsClientCertificateBoundAccessTokens: Bool? = nil,
        jwksURI: String? = nil
    ) {
        self.redirectURIs = redirectURIs
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.grantTypes = grantTypes
        self.responseTypes = responseTypes
        self.clientName = clientName
        self.clientURI = clientURI
        self.logoURI = logoURI
        self.scope = scope
        self.contacts = contacts
        self.tosURI = tosURI
        self.policyURI = policyURI
        self.softwareID = softwareID
        self.softwareVersion = softwareVersion
        self.applicationType = applicationType
        self.tlsClientAuthSubjectDN = tlsClientAuthSubjectDN
        self.jwks = jwks
        self.jwksURI = jwksURI
        self.tlsClientCertificateBoundAccessTokens = tlsClientCertificateBoundAccessTokens
    }

    enum CodingKeys: String, CodingKey {
        case redirectURIs = "redirect_uris"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case grantTypes = "grant_types"
        case responseTypes = "response_types"
        case clientName = "client_name"
        case clientURI = "client_uri"
        case logoURI = "logo_uri"
        case scope
        case contacts
        case tosURI = "tos_uri"
        case policyURI = "policy_uri"
        case softwareID = "software_id"
        case softwareVersion = "software_version"
        case applicationType = "application_type"
        case tlsClientAuthSubjectDN = "tls_client_auth_subject_dn"
        case jwks
        case jwksURI = "jwks_uri"
        case tlsClientCertificateBoundAccessTokens = "tls_client_certificate_bound_access_tokens"
    }
}
