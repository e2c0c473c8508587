public import Foundation
import MCPWire

/// Who a verified access token speaks for, and what it may do.
public struct MCPAuthorization: Sendable, Hashable {
    public var clientID: String
    public var scopes: Set<String>
    /// The `x5t#S256` of the client certificate the token is bound to (RFC 8705); requests must present it.
    public var certificateThumbprint: String?
    /// When the token expires (`exp`): what a request started with it may hold open (a listen stream, a question)
    /// ends by then; `nil` when unknown.
    public var expiresAt: Date?

    public init(clientID: String, scopes: Set<String>, certificateThumbprint: String? = nil, expiresAt: Date? = nil) {
        self.clientID = clientID
        self.scopes = scopes
        self.certificateThumbprint = certificateThumbprint
        self.expiresAt = expiresAt
    }

    /// `true` when the granted scopes cover `scope`; `mcp:tools` implies `mcp:read` (scope hierarchy).
    public func permits(_ scope: String) -> Bool {
        self.scopes.contains(scope) || (scope == OAuthScope.read && self.scopes.contains(OAuthScope.tools))
    }
}
