/// HTTP header names of the Streamable HTTP transport. Header names compare case-insensitively.
public enum MCPHeader {
    /// The negotiated (legacy) or per-request (modern) protocol version.
    public static let protocolVersion = "MCP-Protocol-Version"
    /// 2026-07-28: mirrors the body's `method` on every request.
    public static let method = "Mcp-Method"
    /// 2026-07-28: mirrors `params.name` or `params.uri` for `tools/call`, `resources/read`, `prompts/get`.
    public static let name = "Mcp-Name"
    /// 2026-07-28: prefix of headers mirrored from tool arguments marked `x-mcp-header`.
    public static let paramPrefix = "Mcp-Param-"
    /// Legacy session id (never used for authentication).
    public static let sessionID = "Mcp-Session-Id"
    /// Legacy SSE resumption.
    public static let lastEventID = "Last-Event-ID"

    private static let base64Prefix = "=?base64?"
    private static let base64Suffix = "?="

    /// Encodes a value for `Mcp-Name` or `Mcp-Param-*`: plain when it is header-safe ASCII, else the
    /// `=?base64?…?=` sentinel form (2026-07-28 "Value Encoding").
    public static func encodeValue(_ value: String) -> String {
        let bytes = Array(value.utf8)
        let plainSafe =
            !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } && bytes.first != 0x20 && bytes.last != 0x20
            && !(value.hasPrefix(base64Prefix) && value.hasSuffix(base64Suffix))
        if plainSafe { return value }
        return base64Prefix + Base64.encode(bytes) + base64Suffix
    }

    /// Decodes a header value that may use the base64 sentinel form; `nil` when it is malformed
    /// (bad base64, invalid UTF-8, or characters a header value may not hold).
    public static func decodeValue(_ value: String) -> String? {
        if value.hasPrefix(base64Prefix), value.hasSuffix(base64Suffix),
            value.count >= base64Prefix.count + base64Suffix.count
        {
            let inner = value.dropFirst(base64Prefix.count).dropLast(base64Suffix.count)
            guard let bytes = Base64.decode(String(inner)), UTF8Validator.isValid(bytes[...]) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 <= 0x7E) }) else { return nil }
        return value
    }
}
