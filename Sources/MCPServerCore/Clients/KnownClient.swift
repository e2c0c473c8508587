public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A client as `/authorize`, `/token` and `/revoke` see it, however it became known: registered here (DCR or the
/// operator CLI), or described by a Client ID Metadata Document at its `client_id` URL.
public struct KnownClient: Sendable, Hashable {
    /// Where the client's description comes from.
    public enum Source: Sendable, Hashable {
        /// Registered with this server.
        case registered(StoredClient)
        /// A Client ID Metadata Document fetched from the `client_id` URL; always a public client
        /// (`token_endpoint_auth_method` `none` or `private_key_jwt` with `jwks_uri`).
        case metadataDocument(fetchedAt: Date)
    }

    /// The `client_id`.
    public var id: String
    /// The client's metadata, validated.
    public var metadata: ClientMetadata
    public var source: Source

    public init(id: String, metadata: ClientMetadata, source: Source) {
        self.id = id
        self.metadata = metadata
        self.source = source
    }

    /// The name to show a person: the registered or published `client_name`, else the id.
    public var displayName: String { self.metadata.clientName ?? self.id }

    /// How the client authenticates at `/token`.
    public var tokenEndpointAuthMethod: String {
        self.metadata.tokenEndpointAuthMethod ?? ClientMetadataValidator.defaultAuthMethod
    }

    /// `true` for a public client (`token_endpoint_auth_method: none`): it proves itself with PKCE alone.
    public var isPublic: Bool { self.tokenEndpointAuthMethod == "none" }

    /// What `/authorize` checks requests against.
    public var authorizationClient: AuthorizationClient {
        AuthorizationClient(
            id: self.id,
            redirectURIs: self.metadata.redirectURIs ?? [],
            scopes: OAuthScope.parse(self.metadata.scope ?? OAuthScope.all.joined(separator: " ")),
            mayUseAuthorizationCode: self.metadata.grantTypes?.contains("authorization_code") ?? false
        )
    }
}
