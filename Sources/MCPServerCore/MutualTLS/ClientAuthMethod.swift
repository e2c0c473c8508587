/// How a client authenticates at `/token` (RFC 7591 `token_endpoint_auth_method`, RFC 7523, RFC 8705 §2).
public enum ClientAuthMethod: String, Sendable, CaseIterable {
    /// A public client (RFC 6749 §2.1): no credentials; it proves the code is its own with PKCE alone, so it may use
    /// only the authorization code and refresh token grants.
    case none
    case clientSecretBasic = "client_secret_basic"
    case clientSecretPost = "client_secret_post"
    /// A JWT signed with a key from the client's registered `jwks` or `jwks_uri` (RFC 7523 §2.2, OIDC Core §9).
    case privateKeyJWT = "private_key_jwt"
    /// A certificate issued by the operator's client CA, with the registered subject DN.
    case tlsClientAuth = "tls_client_auth"
    /// A self-signed certificate the client registered (`jwks` with `x5c`).
    case selfSignedTLSClientAuth = "self_signed_tls_client_auth"

    /// RFC 7591 §2: the method when a client names none.
    public static let `default` = ClientAuthMethod.clientSecretBasic

    /// The JWS algorithms a `private_key_jwt` assertion may be signed with (RFC 8414
    /// `token_endpoint_auth_signing_alg_values_supported`): asymmetric only, since a shared-key MAC would be
    /// `client_secret_jwt`, and never `none`.
    public static let assertionSigningAlgorithms = ["ES256", "ES384", "RS256", "PS256", "EdDSA"]

    /// Whether the client proves itself with its TLS certificate rather than a secret.
    public var usesCertificate: Bool { self == .tlsClientAuth || self == .selfSignedTLSClientAuth }

    /// Whether registration hands the client a `client_secret`: only for the methods that send one.
    public var usesSecret: Bool { self == .clientSecretBasic || self == .clientSecretPost }

    /// The methods a server offers: the certificate ones only when it asks for client certificates.
    public static func offered(mutualTLS: Bool) -> [ClientAuthMethod] {
        Self.allCases.filter { mutualTLS || !$0.usesCertificate }
    }
}
