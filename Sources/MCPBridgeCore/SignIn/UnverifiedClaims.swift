import MCPWire

/// Who a token says signed in, read without checking its signature: for `status` to show, never to decide
/// anything. (The bridge has no reason to trust an ID token it did not verify, and access tokens are meant for the
/// resource server, so their form may change any day.)
public enum UnverifiedClaims {
    /// The longest token looked at.
    static let maximumTokenBytes = 16 * 1024
    /// The longest name returned.
    static let maximumNameLength = 200
    /// The claims tried, in order: what a person recognises first.
    static let nameClaims = ["email", "preferred_username", "name", "sub"]

    /// The first of `email`, `preferred_username`, `name` and `sub` that the JWT `token` carries as a non-empty
    /// string, cleaned for display; `nil` for anything that is not a JWS-compact JWT with a JSON object payload
    /// (opaque tokens, encrypted tokens, oversized or malformed ones).
    public static func displayName(of token: String) -> String? {
        guard token.utf8.count <= Self.maximumTokenBytes else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64.decode(Self.unpadded(parts[1]), .url),
            let claims = (try? JSONValue(parsing: payload))?.objectValue
        else { return nil }
        for name in Self.nameClaims {
            guard let value = claims[name]?.stringValue else { continue }
            let cleaned = PrintableText.clean(value, limit: Self.maximumNameLength)
            if cleaned.contains(where: { !$0.isWhitespace }) { return cleaned }
        }
        return nil
    }

    /// Some issuers pad their base64url; the JWS form has none.
    private static func unpadded(_ part: Substring) -> Substring {
        var part = part
        while part.last == "=" { part.removeLast() }
        return part
    }
}
