import MCPCommandLine

/// `--auth`: whether `/mcp` needs a token.
enum AuthMode: String, CaseInsensitiveArgument, Sendable {
    /// `/mcp` needs an access token from this server's authorization server.
    case jwt
    /// No authentication, for local development only.
    case none
}
