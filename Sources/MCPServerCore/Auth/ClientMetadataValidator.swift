import Foundation
import MCPWire

/// Validates RFC 7591 client metadata and fills in this server's defaults.
///
/// The server only issues tokens through `client_credentials`, so that is the default grant and the only
/// one accepted; redirect URIs are still checked (https, or http on loopback; no fragment) because a
/// client may send them. Unknown members are ignored, as RFC 7591 §2 requires.
enum ClientMetadataValidator {
    static let supportedGrantTypes: Set<String> = ["client_credentials"]
    /// RFC 7591 §2: the method when a client names none.
    static let defaultAuthMethod = ClientAuthMethod.default.rawValue
    static let maxTextLength = 200
    static let maxURILength = 2000
    static let maxListLength = 10

    /// The metadata to register, from a JSON body.
    /// - Parameter mutualTLS: whether the certificate methods of RFC 8705 are offered.
    static func validate(_ json: JSONValue, mutualTLS: Bool) throws(OAuthHTTPError) -> ClientMetadata {
        guard case .object(let members) = json else {
            throw .invalidClientMetadata("the body must be a JSON object")
        }
        var metadata = ClientMetadata()
        metadata.redirectURIs = try Self.stringList(members, "redirect_uris", maxItemLength: Self.maxURILength)
        for uri in metadata.redirectURIs ?? [] { try Self.checkRedirectURI(uri) }

        let grantTypes = try Self.stringList(members, "grant_types", maxItemLength: 100) ?? ["client_credentials"]
        // RFC 7591 §2: redirect-based grants need redirect URIs; said first, because it is the client's
        // mistake whatever this server supports.
        if grantTypes.contains("authorization_code") || grantTypes.contains("implicit"),
            metadata.redirectURIs?.isEmpty ?? true
        {
            throw .invalidRedirectURI("redirect_uris is required for the authorization_code and implicit grants")
        }
        for grant in grantTypes where !Self.supportedGrantTypes.contains(grant) {
            throw .invalidClientMetadata("unsupported grant type '\(grant)'; this server supports client_credentials")
        }
        guard !grantTypes.isEmpty else { throw .invalidClientMetadata("grant_types must not be empty") }
        metadata.grantTypes = grantTypes

        let responseTypes = try Self.stringList(members, "response_types", maxItemLength: 100) ?? []
        if let type = responseTypes.first {
            throw .invalidClientMetadata("unsupported response type '\(type)'; client_credentials uses none")
        }
        metadata.responseTypes = responseTypes

        let methodText =
            try Self.string(members, "token_endpoint_auth_method", maxLength: 100) ?? Self.defaultAuthMethod
        let offered = ClientAuthMethod.offered(mutualTLS: mutualTLS)
        guard let method = ClientAuthMethod(rawValue: methodText), offered.contains(method) else {
            throw .invalidClientMetadata(
                "unsupported token_endpoint_auth_method '\(methodText)'; use one of "
                    + offered.map(\.rawValue).joined(separator: ", ")
            )
        }
        switch method {
        case .tlsClientAuth:
            guard let dn = try Self.string(members, "tls_client_auth_subject_dn", maxLength: 1000), !dn.isEmpty else {
                throw .invalidClientMetadata("tls_client_auth needs tls_client_auth_subject_dn")
            }
            metadata.tlsClientAuthSubjectDN = dn
        case .selfSignedTLSClientAuth:
            guard let jwks = members["jwks"] else {
                throw .invalidClientMetadata("self_signed_tls_client_auth needs jwks with the client's certificates")
            }
            _ = try RegisteredCertificates.thumbprints(in: jwks)
            metadata.jwks = jwks
        case .clientSecretBasic, .clientSecretPost:
            break
        }
        switch members["tls_client_certificate_bound_access_tokens"] {
        case nil, .null: break
        case .bool(let bound): metadata.tlsClientCertificateBoundAccessTokens = bound
        default: throw .invalidClientMetadata("tls_client_certificate_bound_access_tokens must be true or false")
        }
        metadata.tokenEndpointAuthMethod = method.rawValue

        if let scope = try Self.string(members, "scope", maxLength: 1000) {
            let scopes = OAuthScope.parse(scope)
            guard !scopes.isEmpty else { throw .invalidClientMetadata("scope must not be empty") }
            for item in scopes where !OAuthScope.all.contains(item) {
                throw .invalidClientMetadata(
                    "unknown scope '\(item)'; supported: \(OAuthScope.all.joined(separator: " "))"
                )
            }
            metadata.scope = scopes.joined(separator: " ")
        } else {
            metadata.scope = OAuthScope.all.joined(separator: " ")
        }

        if let type = try Self.string(members, "application_type", maxLength: 20) {
            guard type == "native" || type == "web" else {
                throw .invalidClientMetadata("application_type must be native or web")
            }
            metadata.applicationType = type
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

    private static func checkRedirectURI(_ value: String) throws(OAuthHTTPError) {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            !host.isEmpty
        else { throw .invalidRedirectURI("'\(value)' is not an absolute URI") }
        guard url.fragment == nil, !value.contains("#") else {
            throw .invalidRedirectURI("redirect URIs must not have a fragment")
        }
        let loopback = ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw .invalidRedirectURI("redirect URIs must use https, or http on a loopback host")
        }
    }
}
