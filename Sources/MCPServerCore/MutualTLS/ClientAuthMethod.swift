/// How a client authenticates at `/token` (RFC 7591 `token_endpoint_auth_method`, RFC 8705 §2).
public enum ClientAuthMethod: String, Sendable, CaseIterable {
    case clientSecretBasic = "client_secret_basic"
    case clientSecretPost = "client_secret_post"
    /// A certificate issued by the operator's client CA, with the registered subject DN.
    case tlsClientAuth = "tls_client_auth"
    /// A self-signed certificate the client registered (`jwks` with `x5c`).
    case selfSignedTLSClientAuth = "self_signed_tls_client_auth"

    /// RFC 7591 §2: the method when a client names none.
    public static let `default` = ClientAuthMethod.clientSecretBasic

    /// Whether the client proves itself with its TLS certificate rather than a secret.
    public var usesCertificate: Bool { self == .tlsClientAuth || self == .selfSignedTLSClientAuth }

    /// The methods a server offers: the certificate ones only when it asks for client certificates.
    public static func offered(mutualTLS: Bool) -> [ClientAuthMethod] {
        Self.allCases.filter { mutualTLS || !$0.usesCertificate }
    }
}
