/// A redirect URI split into RFC 3986 §3 components exactly as written: nothing is decoded, lowercased or
/// otherwise normalised, so comparing two of them part by part is still exact string comparison.
///
/// Only the characters RFC 3986 allows in a URI are accepted (ASCII letters, digits, `-._~`, the gen-delims,
/// the sub-delims and well-formed `%XX` escapes). A browser would otherwise "fix" the rest (spaces, `\`,
/// non-ASCII) before following the redirect, and the URI it follows would not be the one that was matched.
struct RedirectURI: Sendable {
    /// The whole URI, as given.
    let text: String
    /// Up to the first `:`, as written.
    let scheme: Substring
    /// `true` when `//` follows the scheme.
    let hasAuthority: Bool
    /// `true` when the authority has a `user@` part.
    let hasUserinfo: Bool
    /// The host as written, brackets included for IP literals; empty without an authority.
    let host: Substring
    /// The digits after the host's `:`; `nil` when there is no `:`, empty for a bare `:`.
    let port: Substring?
    /// From after the authority (or the scheme's `:`) up to `?` or `#`.
    let path: Substring
    /// After the first `?` up to `#`; `nil` when there is no `?`.
    let query: Substring?
    /// After the first `#`; `nil` when there is no `#`.
    let fragment: Substring?

    init?(_ text: String) {
        let utf8 = text.utf8
        guard !utf8.isEmpty, Self.hasOnlyURICharacters(utf8) else { return nil }
        self.text = text
        guard let colon = text.firstIndex(of: ":") else { return nil }
        self.scheme = text[..<colon]
        guard Self.isScheme(self.scheme) else { return nil }

        var rest = text[text.index(after: colon)...]
        if let hash = rest.firstIndex(of: "#") {
            self.fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        } else {
            self.fragment = nil
        }
        if let question = rest.firstIndex(of: "?") {
            self.query = rest[rest.index(after: question)...]
            rest = rest[..<question]
        } else {
            self.query = nil
        }
        self.hasAuthority = rest.hasPrefix("//")
        guard self.hasAuthority else {
            (self.hasUserinfo, self.host, self.port, self.path) = (false, "", nil, rest)
            return
        }
        rest = rest.dropFirst(2)
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        self.path = rest[authorityEnd...]
        self.hasUserinfo = authority.contains("@")
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            self.host = authority[...close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            self.port = after.isEmpty ? nil : after.dropFirst()
        } else if let portColon = authority.firstIndex(of: ":") {
            self.host = authority[..<portColon]
            self.port = authority[authority.index(after: portColon)...]
        } else {
            self.host = authority
            self.port = nil
        }
    }

    /// The port as a number when it is written canonically: 1-65535, digits only, no leading zero. `nil` for a
    /// missing, empty or non-canonical port (`:080` and `:80` must not be two spellings of one URI).
    var canonicalPort: Int? {
        guard let port, !port.isEmpty, port.utf8.count <= 5, port.utf8.allSatisfy({ (48...57).contains($0) }),
            !port.hasPrefix("0"), let value = Int(port), (1...65535).contains(value)
        else { return nil }
        return value
    }

    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    private static func isScheme(_ scheme: Substring) -> Bool {
        guard let first = scheme.utf8.first, Self.isLetter(first) else { return false }
        return scheme.utf8.allSatisfy {
            Self.isLetter($0) || (48...57).contains($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: ".")
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Unreserved, reserved and `%XX` with two hex digits; nothing else (RFC 3986 §2).
    private static func hasOnlyURICharacters(_ bytes: String.UTF8View) -> Bool {
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(), Self.isHexDigit(high), Self.isHexDigit(low)
                else { return false }
            } else if !PKCE.isUnreserved(byte) && !Self.reserved.contains(byte) {
                return false
            }
        }
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// RFC 3986 §2.2 gen-delims and sub-delims.
    private static let reserved = Set(":/?#[]@!$&'()*+,;=".utf8)
}
