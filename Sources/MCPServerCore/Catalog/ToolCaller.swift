/// Who called a tool, from the access token of the request: what a tool needs to answer per person.
public struct ToolCaller: Sendable, Hashable {
    /// The OAuth client that made the request (a registered id, or a Client ID Metadata Document URL).
    public var clientID: String
    /// The person who signed in through the client; `nil` when the client called on its own behalf (client
    /// credentials).
    public var person: AuthorizedPerson?
    /// The scopes the token grants.
    public var scopes: Set<String>

    public init(clientID: String, person: AuthorizedPerson?, scopes: Set<String>) {
        self.clientID = clientID
        self.person = person
        self.scopes = scopes
    }

    init(_ authorization: MCPAuthorization) {
        self.init(clientID: authorization.clientID, person: authorization.person, scopes: authorization.scopes)
    }
}
