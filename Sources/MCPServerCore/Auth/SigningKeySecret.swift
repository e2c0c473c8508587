import Crypto
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns the text of a signing-key secret (AWS Secrets Manager, an environment variable) into a key source.
///
/// A key is given as a PEM private key (ES256, P-256), or as a random string of at least 32 characters from
/// which the P-256 key is derived with HKDF-SHA256. The second form lets a CloudFormation template create the
/// secret with `GenerateSecretString`, so the key never exists outside AWS and every instance derives the same
/// key from it.
///
/// For a rotation without failed tokens the secret can be JSON, `{"current": KEY, "previous": [KEY, …]}`:
/// `current` signs, and every key verifies (and is published at `/jwks.json`).
public enum SigningKeySecret {
    /// Why a secret cannot be used.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The key source for `text`.
    public static func keySource(from text: String) throws -> KeyRing.Source {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.hasPrefix("{") else { return .operatorPEM(try self.pem(from: trimmed)) }
        guard let json = try? JSONValue(parsing: trimmed), let current = json["current"]?.stringValue else {
            throw Invalid(description: #"a JSON signing-key secret must be {"current": KEY, "previous": [KEY, …]}"#)
        }
        var previous: [String] = []
        if let list = json["previous"] {
            guard let items = list.arrayValue?.compactMap(\.stringValue), items.count == list.arrayValue?.count else {
                throw Invalid(description: "\"previous\" in the signing-key secret must be a list of keys")
            }
            previous = try items.map(self.pem(from:))
        }
        return .operatorPEM(try self.pem(from: current), previous: previous)
    }

    /// One key, as a PEM: given, or derived from a seed.
    private static func pem(from untrimmed: String) throws -> String {
        let text = untrimmed.trimmingWhitespace()
        if text.hasPrefix("-----BEGIN") { return text }
        guard text.utf8.count >= 32 else {
            throw Invalid(
                description: "the signing-key secret must be a PEM private key or a random string of 32+ characters"
            )
        }
        return try self.derivedKey(from: text).pemRepresentation
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
