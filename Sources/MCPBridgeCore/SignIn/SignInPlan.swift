public import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the bridge gets its next token from an authorization server: which grant, as which client, with which
/// scope. Chosen from the user's settings and the server's metadata, in the order the MCP authorization
/// specification (2026-07-28) gives.
public struct SignInPlan: Sendable, Hashable {
    /// Who the bridge is to the authorization server.
    public enum Client: Sendable, Hashable {
        /// The user's pre-registered client (`--client-id`).
        case preRegistered(PreRegisteredClient)
        /// This bridge's Client ID Metadata Document: its URL is the client id.
        case metadataDocument(String)
        /// A client this bridge registers (RFC 7591), or registered before.
        case registered
    }

    public var grant: GrantKind
    public var client: Client
    public var issuer: String
    public var metadata: AuthorizationServerMetadata
    /// The scope to ask for (space-separated), or `nil` to leave it out.
    public var scope: String?

    /// The client source this plan stores with its credentials.
    public var clientSource: ClientSource {
        switch self.client {
        case .preRegistered: .preRegistered
        case .metadataDocument: .metadataDocument
        case .registered: .registered
        }
    }

    /// The grant that uses a device code (RFC 8628 §3.4).
    public static let deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code"

    /// Chooses the grant and the client.
    ///
    /// - Parameters:
    ///   - requestedScope: What the caller needs (the user's `--scope`, a challenge's, a step-up union), already
    ///     chosen in the specification's order; `offline_access` is added for a person when the server lists it.
    public static func choose(
        settings: SignInSettings,
        issuer: String,
        metadata: AuthorizationServerMetadata,
        requestedScope: String?
    ) throws(BridgeError) -> SignInPlan {
        let grant = try Self.grant(settings: settings, metadata: metadata, issuer: issuer)
        let client: Client
        if let preRegistered = settings.preRegisteredClient {
            if grant == .clientCredentials, preRegistered.authentication == .none {
                throw .configuration(
                    "client_credentials needs a client that can authenticate: give --client-secret-file or --private-key-file with --client-id"
                )
            }
            client = .preRegistered(preRegistered)
        } else if grant != .clientCredentials, let document = settings.clientMetadataURL,
            metadata.clientIDMetadataDocumentSupported == true
        {
            client = .metadataDocument(document.absoluteString)
        } else if metadata.registrationEndpoint != nil {
            client = .registered
        } else {
            throw .authorization(
                "the authorization server \(issuer) lets no client register (no registration endpoint)"
                    + (metadata.clientIDMetadataDocumentSupported == true && grant != .clientCredentials
                        ? " and this bridge has no Client ID Metadata Document: pass --client-metadata-url, or"
                        : ":")
                    + " register a client there and pass --client-id (and --client-secret-file if it has a secret)"
            )
        }
        var scope = requestedScope.flatMap { $0.isEmpty ? nil : $0 }
        if grant != .clientCredentials, metadata.scopesSupported?.contains("offline_access") == true {
            // SEP-2207: ask for a refresh token explicitly where the server names the scope for it.
            var scopes = (scope ?? "").split(separator: " ").map(String.init)
            if !scopes.contains("offline_access") { scopes.append("offline_access") }
            scope = scopes.joined(separator: " ")
        }
        return SignInPlan(grant: grant, client: client, issuer: issuer, metadata: metadata, scope: scope)
    }

    /// The grant `--auth` names, checked against the metadata; for `auto`, `client_credentials` where the server
    /// offers it (no person needed), else a browser, else a device code (first when there is no display).
    static func grant(
        settings: SignInSettings,
        metadata: AuthorizationServerMetadata,
        issuer: String
    ) throws(BridgeError) -> GrantKind {
        let grants = metadata.grantTypesSupported
        let offersClientCredentials = grants?.contains("client_credentials") ?? false
        let offersCode =
            metadata.authorizationEndpoint != nil
            && (grants.map { $0.contains("authorization_code") } ?? true)
        let offersDevice =
            metadata.deviceAuthorizationEndpoint != nil
            && (grants.map { $0.contains(Self.deviceCodeGrantType) } ?? true)
        switch settings.auth {
        case .clientCredentials:
            // RFC 8414: an absent list means the server did not say; try it, as before sign-in existed.
            guard grants == nil || offersClientCredentials else {
                throw .authorization("the authorization server \(issuer) does not offer the client_credentials grant")
            }
            return .clientCredentials
        case .browser:
            guard offersCode else {
                throw .authorization(
                    "the authorization server \(issuer) offers no browser sign-in (no authorization endpoint or authorization_code grant)"
                )
            }
            try Self.checkPKCE(metadata, issuer: issuer)
            return .authorizationCode
        case .device:
            guard offersDevice else {
                throw .authorization(
                    "the authorization server \(issuer) offers no device sign-in (no device_authorization_endpoint)"
                )
            }
            return .deviceCode
        case .auto:
            let canAuthenticate = settings.preRegisteredClient.map { $0.authentication != .none } ?? true
            if offersClientCredentials, canAuthenticate, settings.clientMetadataURL == nil {
                return .clientCredentials
            }
            if settings.display == .none, offersDevice { return .deviceCode }
            if offersCode {
                try Self.checkPKCE(metadata, issuer: issuer)
                return .authorizationCode
            }
            if offersDevice { return .deviceCode }
            if grants == nil, metadata.authorizationEndpoint == nil { return .clientCredentials }
            throw .authorization(
                "the authorization server \(issuer) offers no grant the bridge can use (client_credentials, authorization_code or device code)"
            )
        }
    }

    /// MCP authorization: without `S256` in `code_challenge_methods_supported` the server does not do PKCE, and
    /// the client must not go on.
    static func checkPKCE(_ metadata: AuthorizationServerMetadata, issuer: String) throws(BridgeError) {
        guard metadata.codeChallengeMethodsSupported?.contains("S256") == true else {
            throw .authorization(
                "the authorization server \(issuer) does not say it supports PKCE with S256 (code_challenge_methods_supported), so signing in there is not safe"
            )
        }
    }
}
