import Crypto
public import MCPWire
import SwiftASN1
public import X509

/// A TLS client certificate as RFC 8705 uses it: its SHA-256 thumbprint (`x5t#S256`, what tokens are bound to),
/// its subject DN (what `tls_client_auth` matches) and the parsed certificate (for chain and self-signature
/// checks).
public struct ClientCertificate: Sendable {
    /// The DER bytes as presented.
    public let der: [UInt8]
    public let certificate: Certificate

    /// Parses DER; `nil` when it is not a certificate.
    public init?(der: [UInt8]) {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        self.der = der
        self.certificate = certificate
    }

    /// Parses the first certificate of a PEM text; `nil` when there is none.
    public init?(pem: String) {
        guard let document = try? PEMDocument(pemString: pem), document.discriminator == "CERTIFICATE" else {
            return nil
        }
        self.init(der: document.derBytes)
    }

    /// RFC 8705 §3.1 `x5t#S256`: base64url SHA-256 of the DER.
    public var thumbprint: String { Self.thumbprint(der: self.der) }

    /// The thumbprint of DER bytes, without parsing them.
    public static func thumbprint(der: [UInt8]) -> String {
        Base64.encode(Array(SHA256.hash(data: der)), .url)
    }

    /// The subject DN in RFC 4514 form (`CN=client,O=Example`).
    public var subjectDN: String { self.certificate.subject.description }

    /// Whether the certificate names itself as issuer and its signature verifies with its own key
    /// (`self_signed_tls_client_auth`).
    public var isSelfSigned: Bool {
        self.certificate.issuer == self.certificate.subject
            && self.certificate.publicKey.isValidSignature(self.certificate.signature, for: self.certificate)
    }

    /// Whether the certificate may authenticate a TLS client: no extended key usage, or one that includes
    /// `clientAuth` (so a server certificate from the same CA with the same subject does not pass).
    public var allowsClientAuthentication: Bool {
        do {
            guard let usage = try self.certificate.extensions.extendedKeyUsage else { return true }
            return usage.contains(.clientAuth)
        } catch {
            return false
        }
    }

    /// RFC 4514 DNs compared as RFC 8705 §2.1.2 asks: attribute by attribute. Attribute types compare without
    /// regard to case; values exactly, escapes included (`CN=Doe\, Jane` is one attribute); spaces around `,`,
    /// `+` and `=` are not significant.
    public static func sameDN(_ lhs: String, _ rhs: String) -> Bool {
        guard let left = Self.attributes(lhs), let right = Self.attributes(rhs) else { return false }
        return left == right
    }

    /// `TYPE=value` pairs of an RFC 4514 string, in order, types upper-cased; `nil` when it is not one.
    static func attributes(_ text: String) -> [String]? {
        var result: [String] = []
        var current: [Character] = []
        var escaped = false
        func flush() -> Bool {
            let pair = String(current)
            current = []
            guard let equals = pair.firstIndex(of: "=") else { return false }
            let type = pair[..<equals].trimmingCharacters(in: " ").uppercased()
            let value = pair[pair.index(after: equals)...].trimmingCharacters(in: " ")
            guard !type.isEmpty else { return false }
            result.append(type + "=" + value)
            return true
        }
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," || character == "+" {
                guard flush() else { return nil }
            } else {
                current.append(character)
            }
        }
        guard !escaped, flush() else { return nil }
        return result
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var text = self
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return String(text)
    }
}
