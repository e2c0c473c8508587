/// The scopes remote-mcp's authorization server grants and its MCP endpoint checks.
public enum OAuthScope {
    /// Lists, resources, prompts and discovery.
    public static let read = "mcp:read"
    /// `tools/call`; implies ``read``.
    public static let tools = "mcp:tools"
    /// Every scope, narrowest first.
    public static let all = [read, tools]

    /// Splits a space-separated `scope` value (RFC 6749 §3.3), dropping empty parts and duplicates.
    public static func parse(_ value: String) -> [String] {
        var seen: Set<String> = []
        return value.split(separator: " ").map(String.init).filter { seen.insert($0).inserted }
    }
}
