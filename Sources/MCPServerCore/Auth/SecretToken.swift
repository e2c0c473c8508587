import Crypto
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Generating, hashing and comparing the server's secrets (client secrets, registration access tokens).
///
/// Secrets are 256 random bits from the system CSPRNG, written in base64url (the unreserved set, so a
/// client that forgets to form-encode them for Basic auth still works). Only their SHA-256 is stored:
/// with 256 bits of entropy a slow password hash adds nothing, and SHA-256 keeps `/token` fast.
public enum SecretToken {
    /// A new secret: 32 random bytes, base64url without padding (43 characters).
    public static func generate(byteCount: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64.encode(bytes, .url)
    }

    /// The stored form of a secret: `sha256:` and the hex digest.
    public static func hash(_ secret: String) -> String {
        "sha256:" + Hex.encode(SHA256.hash(data: Array(secret.utf8)))
    }

    /// `true` when `secret` hashes to `storedHash`, comparing in constant time.
    public static func matches(_ secret: String, storedHash: String) -> Bool {
        constantTimeEquals(Array(Self.hash(secret).utf8), Array(storedHash.utf8))
    }

    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
