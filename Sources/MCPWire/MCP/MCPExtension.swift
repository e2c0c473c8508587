/// Identifiers of MCP extensions (2026-07-28 `capabilities.extensions`; keys follow the `_meta` naming rules).
public enum MCPExtension {
    /// OAuth client credentials for machine clients (SEP-1046; the `ext-auth` repository's
    /// `oauth-client-credentials` specification): a server that accepts tokens from the client credentials grant
    /// may advertise it in `server/discover` and `initialize` capabilities, with an empty settings object.
    public static let oauthClientCredentials = "io.modelcontextprotocol/oauth-client-credentials"
}
