import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Validates RFC 7591 client metadata and fills in this server's defaults.
///
/// Two kinds of client register here:
/// - **Sign-in clients** (MCP hosts): `grant_types` `authorization_code`, usually with `refresh_token`;
///   `response_types` `["code"]`; `redirect_uris` required, each checked by ``RedirectURIPolicy`` (private-use
///   schemes such as `cursor://` only for `application_type` `native` or public clients). Public clients register
///   `token_endpoint_auth_method` `none` and get no secret.
/// - **Machine clients** (mcp-bridge, services): `grant_types` `client_credentials`, authenticated by a secret,
///   a `private_key_jwt` assertion (`jwks` or `jwks_uri`), or a TLS certificate (RFC 8705).
///
/// Defaults: without `grant_types`, a client that sends `redirect_uris` gets `["authorization_code"]` (RFC 7591
/// §2's default; a client that wants refresh tokens asks for `refresh_token` too, as the MCP specification says)
/// and one without gets `["client_credentials"]`, which is what machine clients that send nothing mean. Without
/// `response_types`: `["code"]` with `authorization_code`, `[]` otherwise. Without `token_endpoint_auth_method`:
/// `client_secret_basic` (RFC 7591 §2). Without `application_type`: `web` (OIDC Dynamic Client Registration §2).
/// Unknown members are ignored, as RFC 7591 §2 requires.
enum ClientMetadataValidator {
    /// The grants this server issues tokens for.
    static let supportedGrantTypes: Set<String> = ["authorization_code", "refresh_token", "client_credentials"]
    /// RFC 7591 §2: the method when a client names none.
    static let defaultAuthMethod = ClientAuthMethod.default.rawValue
    static let maxTextLength = 200
    static let maxURILength = 2000
    static let maxListLength = 10

    /// The metadata to register, from a JSON body.
    /// - Parameters:
    ///   - mutualTLS: whether the certificate methods of RFC 8705 are offered.
    ///   - granted: for an RFC 7592 update, what the client has now: members that an update cannot change
    ///     (`grant_types`, `token_endpoint_auth_method`, `scope`, `application_type`, keys and certificate
    ///     settings) are taken from it when omitted, instead of from the registration defaults; whether a
    ///     given value widens the grant is ``ClientRegistry``'s check.
    static func validate(
        _ json: JSONValue,
        mutualTLS: Bool,
        granted: ClientMetadata? = nil
    ) throws(OAuthHTTPError) -> ClientMetadata {
        guard case .object(let members) = json else {
            throw .invalidClientMetadata("the body must be a JSON object")
        }
        var metadata = ClientMetadata()

        let applicationType = try Self.string(members, "application_type", maxLength: 20) ?? granted?.applicationType
        guard applicationType == nil || applicationType == "native" || applicationType == "web" else {
            throw .invalidClientMetadata("application_type must be native or web")
        }
        metadata.applicationType = applicationType ?? "web"

        metadata.redirectURIs = try Self.stringList(members, "redirect_uris", maxItemLength: Self.maxURILength)
        // Private-use schemes belong to native apps (RFC 8252 §7.1). Public clients may use them whatever they say
        // their type is: Cursor registers `cursor://anysphere.cursor-mcp/oauth/callback` as a public client without
        // `application_type`, and a public client's code is bound to its PKCE verifier, so an app that claims the
        // same scheme and catches the code cannot redeem it.
        let requestedMethod = members["token_endpoint_auth_method"]?.stringValue ?? granted?.tokenEndpointAuthMethod
        let allowsPrivateUse = metadata.applicationType == "native" || requestedMethod == ClientAuthMethod.none.rawValue
        for uri in metadata.redirectURIs ?? [] {
            do {
                try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: allowsPrivateUse)
            } catch {
                throw .invalidRedirectURI("'\(Self.excerpt(uri))': \(error.description)")
            }
        }
        let hasRedirectURIs = !(metadata.redirectURIs?.isEmpty ?? true)

        let defaultGrants = hasRedirectURIs ? ["authorization_code"] : ["client_credentials"]
        let requestedGrants =
            try Self.stringList(members, "grant_types", maxItemLength: 100) ?? granted?.grantTypes ?? defaultGrants
        var grantTypes: [String] = []
        for grant in requestedGrants where !grantTypes.contains(grant) { grantTypes.append(grant) }
        // RFC 7591 §2: redirect-based grants need redirect URIs; said first, because it is the client's
        // mistake whatever this server supports.
        if grantTypes.contains("authorization_code") || grantTypes.contains("implicit"), !hasRedirectURIs {
            throw .invalidRedirectURI("redirect_uris is required for the authorization_code and implicit grants")
        }
        for grant in grantTypes where !Self.supportedGrantTypes.contains(grant) {
            throw .invalidClientMetadata(
                "unsupported grant type '\(grant)'; this server supports authorization_code, refresh_token and "
                    + "client_credentials"
            )
        }
        guard !grantTypes.isEmpty else { throw .invalidClientMetadata("grant_types must not be empty") }
        // Refresh tokens come only from the authorization code grant here; alone, the grant could never be used.
        if grantTypes.contains("refresh_token"), !grantTypes.contains("authorization_code") {
            throw .invalidClientMetadata("refresh_token needs the authorization_code grant")
        }
        metadata.grantTypes = grantTypes
        let usesCode = grantTypes.contains("authorization_code")

        // RFC 7591 §2.1: response types and grant types must agree.
        let responseTypes =
            try Self.stringList(members, "response_types", maxItemLength: 100) ?? (usesCode ? ["code"] : [])
        for type in responseTypes where type != "code" {
            throw .invalidClientMetadata("unsupported response type '\(type)'; this server supports code")
        }
        if usesCode != responseTypes.contains("code") {
            throw .invalidClientMetadata(
                usesCode
                    ? "the authorization_code grant needs response_types [\"code\"]"
                    : "response_types code needs the authorization_code grant"
            )
        }
        metadata.responseTypes = usesCode ? ["code"] : []

        let methodText =
            try Self.string(members, "token_endpoint_auth_method", maxLength: 100) ?? granted?.tokenEndpointAuthMethod
            ?? Self.defaultAuthMethod
        let offered = ClientAuthMethod.offered(mutualTLS: mutualTLS)
        guard let method = ClientAuthMethod(rawValue: methodText), offered.contains(method) else {
            throw .invalidClientMetadata(
                "unsupported token_endpoint_auth_method '\(Self.excerpt(methodText))'; use one of "
                    + offered.map(\.rawValue).joined(separator: ", ")
            )
        }
        try Self.fillCredentials(method, members: members, granted: granted, grantTypes: grantTypes, into: &metadata)
        switch members["tls_client_certificate_bound_access_tokens"] {
        case nil, .null: metadata.tlsClientCertificateBoundAccessTokens = granted?.tlsClientCertificateBoundAccessTokens
        case .bool(let bound): metadata.tlsClientCertificateBoundAccessTokens = bound
        default: throw .invalidClientMetadata("tls_client_certificate_bound_access_tokens must be true or false")
        }
        metadata.tokenEndpointAuthMethod = method.rawValue

        if let scope = try Self.string(members, "scope", maxLength: 1000) {
            let scopes = OAuthScope.parse(scope)
            guard !scopes.isEmpty else { throw .invalidClientMetadata("scope must not be empty") }
            for item in scopes where !OAuthScope.all.contains(item) {
                throw .invalidClientMetadata(
                    "unknown scope '\(Self.excerpt(item))'; supported: \(OAuthScope.all.joined(separator: " "))"
                )
            }
            metadata.scope = scopes.joined(separator: " ")
        } else {
            metadata.scope = granted?.scope ?? OAuthScope.all.joined(separator: " ")
        }

        metadata.clientName = try Self.string(members, "client_name", maxLength: Self.maxTextLength)
        metadata.clientURI = try Self.webURL(members, "client_uri")
        metadata.logoURI = try Self.webURL(members, "logo_uri")
        metadata.tosURI = try Self.webURL(members, "tos_uri")
        metadata.policyURI = try Self.webURL(members, "policy_uri")
        metadata.contacts = try Self.stringList(members, "contacts", maxItemLength: 320)
        metadata.softwareID = try Self.string(members, "software_id", maxLength: Self.maxTextLength)
        metadata.softwareVersion = try Self.string(members, "software_version", maxLength: Self.maxTextLength)
        return metadata
    }

    /// What each authentication method needs besides its name: public clients use no grant that needs
    /// credentials; `private_key_jwt` needs exactly one of `jwks` and `jwks_uri`; the certificate methods need
    /// the subject DN or the certificates.
    private static func fillCredentials(
        _ method: ClientAuthMethod,
        members: [String: JSONValue],
        granted: ClientMetadata?,
        grantTypes: [String],
        into metadata: inout ClientMetadata
    ) throws(OAuthHTTPError) {
        func given(_ key: String) -> JSONValue? {
            guard let value = members[key], value != .null else { return nil }
            return value
        }
        switch method {
        case .none:
            // A public client has nothing to prove itself with; PKCE binds its codes instead (OAuth 2.1 §2.1).
            guard !grantTypes.contains("client_credentials") else {
                throw .invalidClientMetadata(
                    "a public client (token_endpoint_auth_method none) cannot use client_credentials; register a "
                        + "secret, private_key_jwt or a certificate for that grant"
                )
            }
        case .privateKeyJWT:
            let jwks = given("jwks") ?? granted?.jwks
            let uri = try Self.string(members, "jwks_uri", maxLength: Self.maxURILength) ?? granted?.jwksURI
            switch (jwks, uri) {
            case (let jwks?, nil):
                try ClientKeySet.check(jwks)
                metadata.jwks = jwks
            case (nil, let uri?):
                try ClientKeySet.checkURI(uri)
                metadata.jwksURI = uri
            case (nil, nil):
                throw .invalidClientMetadata("private_key_jwt needs the client's public keys in jwks or at jwks_uri")
            case (.some, .some):
                // RFC 7591 §2: "MUST NOT both be present".
                throw .invalidClientMetadata("give jwks or jwks_uri, not both")
            }
        case .tlsClientAuth:
            let dn =
                try Self.string(members, "tls_client_auth_subject_dn", maxLength: 1000)
                ?? granted?.tlsClientAuthSubjectDN
            guard let dn, !dn.isEmpty else {
                throw .invalidClientMetadata("tls_client_auth needs tls_client_auth_subject_dn")
            }
            metadata.tlsClientAuthSubjectDN = dn
        case .selfSignedTLSClientAuth:
            guard let jwks = given("jwks") ?? granted?.jwks else {
                throw .invalidClientMetadata("self_signed_tls_client_auth needs jwks with the client's certificates")
            }
            _ = try RegisteredCertificates.thumbprints(in: jwks)
            metadata.jwks = jwks
        case .clientSecretBasic, .clientSecretPost:
            break
        }
    }

    /// The start of a value a client sent, for an error message that does not echo kilobytes back.
    private static func excerpt(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(80)) + "…"
    }

    private static func string(
        _ members: [String: JSONValue],
        _ key: String,
        maxLength: Int
    ) throws(OAuthHTTPError) -> String? {
        switch members[key] {
        case nil, .null: return nil
        case .string(let value):
            guard value.count <= maxLength else {
                throw .invalidClientMetadata("\(key) is longer than \(maxLength) characters")
            }
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalidClientMetadata("\(key) contains control characters")
            }
            return value
        default:
            throw .invalidClientMetadata("\(key) must be a string")
        }
    }

    private static func stringList(
        _ members: [String: JSONValue],
        _ key: String,
        maxItemLength: Int
    ) throws(OAuthHTTPError) -> [String]? {
        switch members[key] {
        case nil, .null: return nil
        case .array(let items):
            guard items.count <= Self.maxListLength else {
                throw .invalidClientMetadata("\(key) has more than \(Self.maxListLength) entries")
            }
            return try items.map { item throws(OAuthHTTPError) in
                guard case .string(let value) = item else {
                    throw .invalidClientMetadata("\(key) must be an array of strings")
                }
                guard value.count <= maxItemLength else {
                    throw .invalidClientMetadata("an entry of \(key) is longer than \(maxItemLength) characters")
                }
                return value
            }
        default:
            throw .invalidClientMetadata("\(key) must be an array of strings")
        }
    }

    private static func webURL(_ members: [String: JSONValue], _ key: String) throws(OAuthHTTPError) -> String? {
        guard let value = try Self.string(members, key, maxLength: Self.maxURILength) else { return nil }
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http",
            url.host?.isEmpty == false
        else { throw .invalidClientMetadata("\(key) must be an http(s) URL") }
        return value
    }
}
