import Crypto
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seals a value for the browser to carry (a hidden form field, a cookie) and opens it when it comes back:
/// ChaCha20-Poly1305, so the browser can neither read nor change it.
///
/// The associated data names what is sealed, so a value sealed as one kind never opens as another even under the
/// same key. Form: base64url(nonce ‖ ciphertext ‖ tag).
struct SignInSealer<Value: Codable & Sendable>: Sendable {
    /// The longest sealed text opened; anything longer is refused before decoding. A sealed request holds at
    /// most an 8 KiB query's values and the client's name, well under this.
    static var maxSealedLength: Int { 16 * 1024 }

    let keys: SignInKeys
    let purpose: SignInKeys.Purpose

    func seal(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding a struct of strings, numbers and arrays cannot fail.
        let plaintext = (try? encoder.encode(value)) ?? Data()
        let key = self.keys.keys(for: self.purpose)[0]
        guard let box = try? ChaChaPoly.seal(plaintext, using: key, authenticating: self.associatedData) else {
            preconditionFailure("ChaChaPoly.seal failed with a 256-bit key")
        }
        return Base64.encode(box.combined, .url)
    }

    /// The value, or `nil` when `text` was not sealed by this server for this purpose (altered, foreign, another
    /// purpose, or sealed under a key no longer in the ring).
    func open(_ text: String) -> Value? {
        guard text.utf8.count <= Self.maxSealedLength, let bytes = Base64.decode(text, .url),
            let box = try? ChaChaPoly.SealedBox(combined: bytes)
        else { return nil }
        for key in self.keys.keys(for: self.purpose) {
            if let plaintext = try? ChaChaPoly.open(box, using: key, authenticating: self.associatedData) {
                return try? JSONDecoder().decode(Value.self, from: plaintext)
            }
        }
        return nil
    }

    private var associatedData: Data { Data("remote-mcp \(self.purpose.rawValue) v1".utf8) }
}
