import MCPWire

extension FormURLEncoded {
    /// `name=value&...` in `application/x-www-form-urlencoded` (WHATWG URL §5.2): unreserved characters as they
    /// are, space as `+`, every other byte of the UTF-8 as `%XX`. Used for form bodies and for query strings.
    static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { Self.encodeComponent($0.name) + "=" + Self.encodeComponent($0.value) }.joined(separator: "&")
    }

    /// One name or value, encoded.
    static func encodeComponent(_ text: String) -> String {
        PercentEncoding.encode(text, form: true)
    }
}
