import Crypto
import MCPWire

/// The random id this server gives a browser in a cookie (``SignInCookies/browser``), and what it is bound to:
/// sealed requests and sessions carry its hash, CSRF tokens are an HMAC of it.
///
/// A form posted from another browser, or from a page that could not read this browser's cookie, therefore
/// fails twice: its sealed request names another browser, and its CSRF token does not match.
struct BrowserBinding: Sendable, Hashable {
    /// The browser id: 32 random bytes in base64url (``SecretToken/generate(byteCount:)``).
    let id: String

    /// A new id for a browser that has none.
    static func generate() -> BrowserBinding { BrowserBinding(validated: SecretToken.generate()) }

    /// The id in a cookie, when it has the form this server gives ids (a cookie of another shape is absent).
    init?(cookieValue: Substring) {
        guard cookieValue.utf8.count == 43, cookieValue.utf8.allSatisfy(PKCE.isUnreserved) else { return nil }
        self.id = String(cookieValue)
    }

    private init(validated id: String) { self.id = id }

    /// What sealed requests, sessions and the upstream login state keep: `sha256:` and the hex digest, so the id
    /// itself is never stored.
    var hash: String { SecretToken.hash(self.id) }

    /// Whether `hash` is this browser's, compared in constant time.
    func matches(hash: String) -> Bool { SecretToken.matches(self.id, storedHash: hash) }

    /// The CSRF token of the forms that carry `sealedRequest` in this browser: an HMAC of both under the first
    /// CSRF key, in base64url.
    func csrfToken(for sealedRequest: String, keys: SignInKeys) -> String {
        Base64.encode(Self.mac(self.id, sealedRequest, key: keys.keys(for: .csrf)[0]), .url)
    }

    /// Whether `token` is this browser's CSRF token for `sealedRequest` under any CSRF key, in constant time.
    func verifies(csrfToken token: String, for sealedRequest: String, keys: SignInKeys) -> Bool {
        guard let presented = Base64.decode(token, .url) else { return false }
        return keys.keys(for: .csrf).contains { key in
            SecretToken.constantTimeEquals(presented, Self.mac(self.id, sealedRequest, key: key))
        }
    }

    private static func mac(_ id: String, _ sealedRequest: String, key: SymmetricKey) -> [UInt8] {
        // Length-prefixed, so no two (id, request) pairs authenticate the same bytes.
        let message = Array("\(id.utf8.count):\(id)\(sealedRequest)".utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }
}
