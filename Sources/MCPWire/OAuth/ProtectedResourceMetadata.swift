/// OAuth 2.0 Protected Resource Metadata (RFC 9728 §2), as MCP requires it.
public struct ProtectedResourceMetadata: Codable, Sendable, Hashable {
    /// The resource identifier: exactly the MCP endpoint URL.
    public var resource: String
    public var authorizationServers: [String]
    public var scopesSupported: [String]?
    public var bearerMethodsSupported: [String]?
    public var resourceName: String?

    public init(
        resource: String,
        authorizationServers: [String],
        scopesSupported: [String]?,
        bearerMethodsSupported: [String]? = ["header"],
        resourceName: String? = nil
    ) {
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.bearerMethodsSupported = bearerMethodsSupported
        self.resourceName = resourceName
    }

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case scopesSupported = "scopes_supported"
        case bearerMethodsSupported = "bearer_methods_supported"
        case resourceName = "resource_name"
    }
}
