/// What `/authorize` needs to know about the client a request names, however the client became known
/// (registered, or later a Client ID Metadata Document).
public struct AuthorizationClient: Sendable, Hashable {
    /// The client's `client_id`.
    public var id: String
    /// The registered redirect URIs, as registered.
    public var redirectURIs: [String]
    /// The scopes the client may ask for; a request without `scope` gets all of them.
    public var scopes: [String]
    /// Whether the client's registration includes the `authorization_code` grant.
    public var mayUseAuthorizationCode: Bool

    public init(id: String, redirectURIs: [String], scopes: [String], mayUseAuthorizationCode: Bool = true) {
        self.id = id
        self.redirectURIs = redirectURIs
        self.scopes = scopes
        self.mayUseAuthorizationCode = mayUseAuthorizationCode
    }
}
