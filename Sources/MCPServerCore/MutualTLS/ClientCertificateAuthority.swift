import SwiftASN1
public import X509

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The CA certificates `--client-ca` names: a `tls_client_auth` client's certificate must chain to one of them.
///
/// The TLS layer accepts any client certificate (so self-signed ones can be presented for
/// `self_signed_tls_client_auth`); what a certificate proves is decided here, per client, at `/token`.
public struct ClientCertificateAuthority: Sendable {
    public let roots: [Certificate]

    public init(roots: [Certificate]) {
        self.roots = roots
    }

    /// The certificates of a PEM file's text (one or more `CERTIFICATE` blocks).
    public init(pem: String) throws {
        let roots = try PEMDocument.parseMultiple(pemString: pem).filter { $0.discriminator == "CERTIFICATE" }
            .map { try Certificate(derEncoded: $0.derBytes) }
        guard !roots.isEmpty else { throw ClientCertificateError("the client CA file holds no certificate") }
        self.init(roots: roots)
    }

    /// Whether `certificate` chains to one of the roots and is valid at `now` (RFC 5280 path validation).
    public func issued(_ certificate: ClientCertificate, now: Date = Date()) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore(self.roots)) {
            RFC5280Policy(validationTime: now)
        }
        let result = await verifier.validate(leaf: certificate.certificate, intermediates: CertificateStore())
        if case .validCertificate = result { return true }
        return false
    }
}

/// A client CA or certificate that cannot be used.
public struct ClientCertificateError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
