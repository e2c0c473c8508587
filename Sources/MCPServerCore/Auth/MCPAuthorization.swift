import MCPWire

/// Who a verified access token speaks for, and what it may do.
public struct MCPAuthorization: Sendable, Hashable {
    public var clientID: String
    public var scopes: Set<String>

    public init(clientID: String, scopes: Set<String>) {
        self.clientID = clientID
        self.scopes = scopes
    }

    /// `true` when the granted scopes cover `scope`; `mcp:tools` implies `mcp:read` (scope hierarchy).
    public func permits(_ scope: String) -> Bool {
        self.scopes.contains(scope) || (scope == OAuthScope.read && self.scopes.contains(OAuthScope.tools))
    }
}
