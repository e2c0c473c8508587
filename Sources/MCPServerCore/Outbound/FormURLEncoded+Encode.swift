extension FormURLEncoded {
    /// `name=value&...` in `application/x-www-form-urlencoded` (WHATWG URL §5.2): unreserved characters as they
    /// are, space as `+`, every other byte of the UTF-8 as `%XX`. Used for form bodies and for query strings.
    static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { Self.encodeComponent($0.name) + "=" + Self.encodeComponent($0.value) }.joined(separator: "&")
    }

    /// One name or value, encoded.
    static func encodeComponent(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if PKCE.isUnreserved(byte) {
                output.append(byte)
            } else if byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(Self.hexDigits[Int(byte >> 4)])
                output.append(Self.hexDigits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
