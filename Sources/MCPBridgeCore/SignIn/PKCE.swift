import Crypto
import MCPWire

/// Proof Key for Code Exchange (RFC 7636) with the `S256` method, the only one the MCP authorization specification
/// allows where it can be used.
///
/// The verifier stays with the bridge (it is persisted with the pending sign-in so another copy can finish it);
/// only the challenge travels in the browser.
public struct PKCE: Sendable, Hashable {
    /// The `code_challenge_method` sent with every authorization request.
    public static let method = "S256"
    /// Random bytes behind a new verifier: 32 gives the 256 bits RFC 7636 §7.1 recommends (43 characters).
    static let verifierEntropyBytes = 32

    /// The `code_verifier`: 43 to 128 characters of `[A-Z a-z 0-9 - . _ ~]` (RFC 7636 §4.1).
    public let verifier: String

    /// A new verifier from the system's secure random generator.
    public init() {
        self.verifier = SecureRandom.token(bytes: Self.verifierEntropyBytes)
    }

    /// A verifier made earlier (a pending sign-in read back); refused unless it has RFC 7636's form.
    public init(verifier: String) throws(BridgeError) {
        guard Self.isValidVerifier(verifier) else {
            throw .authorization("the PKCE code verifier is not 43 to 128 unreserved characters (RFC 7636 §4.1)")
        }
        self.verifier = verifier
    }

    /// The `code_challenge`: `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    public var challenge: String { Self.challenge(for: self.verifier) }

    /// The S256 challenge of `verifier`.
    public static func challenge(for verifier: String) -> String {
        Base64.encode(Array(SHA256.hash(data: Array(verifier.utf8))), .url)
    }

    /// Whether `verifier` has the length and alphabet RFC 7636 §4.1 requires.
    public static func isValidVerifier(_ verifier: String) -> Bool {
        let bytes = verifier.utf8
        guard (43...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy(PercentEncoding.isUnreserved)
    }
}
