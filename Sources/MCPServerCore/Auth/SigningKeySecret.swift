import Crypto
import Foundation

/// Turns the text of a signing-key secret (AWS Secrets Manager, an environment variable) into a key source.
///
/// Two forms are accepted: a PEM private key (ES256, P-256), or a random string of at least 32 characters
/// from which the P-256 key is derived with HKDF-SHA256. The second form lets a CloudFormation template
/// create the secret with `GenerateSecretString`, so the key never exists outside AWS and every instance
/// derives the same key from it.
public enum SigningKeySecret {
    /// Why a secret cannot be used.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The key source for `text`.
    public static func keySource(from text: String) throws -> KeyRing.Source {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----BEGIN") { return .operatorPEM(trimmed) }
        guard trimmed.utf8.count >= 32 else {
            throw Invalid(
                description: "the signing-key secret must be a PEM private key or a random string of 32+ characters"
            )
        }
        return .operatorPEM(try self.derivedKey(from: trimmed).pemRepresentation)
    }

    /// HKDF-SHA256 over the seed; a candidate outside the curve order (odds about 2^-32) is skipped.
    static func derivedKey(from seed: String) throws -> P256.Signing.PrivateKey {
        let material = SymmetricKey(data: Array(seed.utf8))
        for counter in 0..<8 {
            let bytes = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: material,
                salt: Array("remote-mcp signing key".utf8),
                info: Array("ES256 P-256 private key \(counter)".utf8),
                outputByteCount: 32
            )
            if let key = try? P256.Signing.PrivateKey(rawRepresentation: bytes.withUnsafeBytes { Array($0) }) {
                return key
            }
        }
        throw Invalid(description: "cannot derive a P-256 key from the signing-key secret")
    }
}
