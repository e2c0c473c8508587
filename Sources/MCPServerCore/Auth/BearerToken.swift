import HTTPTypes

/// Reads `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive).
///
/// Works on the UTF-8 bytes: this runs on every `/mcp` request and a token is several hundred bytes.
enum BearerToken {
    /// The token, `nil` when the header is absent, or `""` when it is present but not a bearer token.
    static func from(_ headers: HTTPFields) -> String? {
        guard let value = headers[.authorization] else { return nil }
        let bytes = value.utf8
        let scheme = "bearer".utf8
        guard bytes.count > scheme.count + 1 else { return "" }
        var index = bytes.startIndex
        for expected in scheme {
            guard bytes[index] | 0x20 == expected else { return "" }
            index = bytes.index(after: index)
        }
        guard bytes[index] == UInt8(ascii: " ") else { return "" }
        var start = index
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start = bytes.index(after: start)
        }
        while end > start {
            let last = bytes.index(before: end)
            guard bytes[last] == UInt8(ascii: " ") || bytes[last] == UInt8(ascii: "\t") else { break }
            end = last
        }
        return String(value[start..<end])
    }
}
