import MCPWire

/// The certificates a `self_signed_tls_client_auth` client registered: the `x5c` entries of its `jwks`.
enum RegisteredCertificates {
    static let maxKeys = 10
    static let maxChainLength = 5
    static let maxCertificateBytes = 16 * 1024

    /// Thumbprints of already registered certificates: hashes of the `x5c` DER, nothing parsed or verified (that
    /// happened at registration), so `/token` costs an attacker's certificate list no signature checks.
    static func registeredThumbprints(in jwks: JSONValue) -> Set<String> {
        guard case .array(let keys)? = jwks["keys"] else { return [] }
        return Set(
            keys.compactMap { key in
                key["x5c"]?.arrayValue?.first?.stringValue.flatMap { Base64.decode($0) }
                    .map(ClientCertificate.thumbprint(der:))
            }
        )
    }

    /// Thumbprints of the registered certificates; throws when `jwks` is not a set of self-signed certificates.
    static func thumbprints(in jwks: JSONValue) throws(OAuthHTTPError) -> Set<String> {
        guard case .array(let keys)? = jwks["keys"], !keys.isEmpty, keys.count <= Self.maxKeys else {
            throw .invalidClientMetadata("jwks must hold 1 to \(Self.maxKeys) keys")
        }
        var thumbprints: Set<String> = []
        for key in keys {
            guard case .array(let chain)? = key["x5c"], let first = chain.first, chain.count <= Self.maxChainLength,
                let text = first.stringValue, text.utf8.count <= Self.maxCertificateBytes * 2,
                let der = Base64.decode(text), let certificate = ClientCertificate(der: der)
            else {
                throw .invalidClientMetadata("each key in jwks needs an x5c with the client's certificate (base64 DER)")
            }
            guard certificate.isSelfSigned else {
                throw .invalidClientMetadata("self_signed_tls_client_auth needs self-signed certificates in x5c")
            }
            thumbprints.insert(certificate.thumbprint)
        }
        return thumbprints
    }
}
