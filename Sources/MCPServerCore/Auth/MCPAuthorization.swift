import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Who a verified access token speaks for, and what it may do.
public struct MCPAuthorization: Sendable, Hashable {
    public var clientID: String
    public var scopes: Set<String>
    /// The `x5t#S256` of the client certificate the token is bound to (RFC 8705); requests must present it.
    public var certificateThumbprint: String?
    /// When the token expires (`exp`): what a request started with it may hold open (a listen stream, a question)
    /// ends by then; `nil` when unknown.
    public var expiresAt: Date?
    /// The person who signed in, for tokens of the authorization code grant; `nil` for a client's own token
    /// (client credentials).
    public var person: AuthorizedPerson?
    /// The grant family the token was issued from (its `sid`); `nil` for client credentials.
    public var familyID: String?
    /// The token's `jti`; `nil` when unknown.
    public var tokenID: String?

    public init(
        clientID: String,
        scopes: Set<String>,
        certificateThumbprint: String? = nil,
        expiresAt: Date? = nil,
        person: AuthorizedPerson? = nil,
        familyID: String? = nil,
        tokenID: String? = nil
    ) {
        self.clientID = clientID
        self.scopes = scopes
        self.certificateThumbprint = certificateThumbprint
        self.expiresAt = expiresAt
        self.person = person
        self.familyID = familyID
        self.tokenID = tokenID
    }

    /// `true` when the granted scopes cover `scope`; `mcp:tools` implies `mcp:read` (scope hierarchy).
    public func permits(_ scope: String) -> Bool {
        self.scopes.contains(scope) || (scope == OAuthScope.read && self.scopes.contains(OAuthScope.tools))
    }

    /// Whose request this is, as one string: the client, and the person when there is one. One public client (Claude
    /// Code) is shared by many people, so what one caller started (a question's sealed state) must name both.
    var principal: String {
        guard let person else { return self.clientID }
        // A newline never occurs in a client id or a person id.
        return self.clientID + "\n" + person.id
    }
}
