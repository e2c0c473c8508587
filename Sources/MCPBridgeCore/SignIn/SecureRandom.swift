import MCPWire

/// Unguessable values for sign-in: PKCE verifiers, `state`, assertion `jti`s.
enum SecureRandom {
    /// `count` bytes from the system's cryptographically secure generator (`SystemRandomNumberGenerator` is
    /// documented as such on every platform Swift supports: `getrandom`, `arc4random_buf`, `BCryptGenRandom`).
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// `count` random bytes as unpadded base64url: URL- and form-safe without encoding.
    static func token(bytes count: Int) -> String {
        Base64.encode(Self.bytes(count), .url)
    }
}
