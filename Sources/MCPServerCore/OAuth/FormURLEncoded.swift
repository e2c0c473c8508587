import MCPWire

/// `application/x-www-form-urlencoded` (the WHATWG/HTML form encoding RFC 6749 Appendix B refers to).
enum FormURLEncoded {
    /// The name/value pairs of a body, in order; `nil` for malformed escapes or invalid UTF-8.
    static func parse(_ bytes: [UInt8]) -> [(name: String, value: String)]? {
        var pairs: [(String, String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let halves = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(halves[0]) else { return nil }
            let value = halves.count > 1 ? Self.decode(halves[1]) : ""
            guard let value else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Decodes one component: `+` is a space, `%XX` a byte.
    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        PercentEncoding.decode(bytes, form: true)
    }
}
