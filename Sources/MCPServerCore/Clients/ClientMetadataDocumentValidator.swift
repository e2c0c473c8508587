import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rules of draft-ietf-oauth-client-id-metadata-document for a client ID URL and the document it serves,
/// with this server's limits on the metadata.
///
/// The URL (§3): `https`, a host, a path, no fragment, no userinfo, no `.` or `..` path segments (also when
/// percent-encoded, since a server may decode them). A query is allowed, as the draft allows it.
///
/// The document (§4.1): a JSON object whose `client_id` equals the URL exactly (compared byte for byte, RFC 3986
/// §6.2.1 simple string comparison), without `client_secret` or `client_secret_expires_at` and without a
/// symmetric-secret `token_endpoint_auth_method`: such a client has no secret anywhere, so it is public (`none`)
/// or proves itself with its own key pair (`private_key_jwt`, with `jwks` or `jwks_uri`). `redirect_uris` are
/// required, each checked by ``RedirectURIPolicy``; private-use schemes are allowed whatever `application_type`
/// says, because CIMD clients are mostly native apps that do not say so (Claude Code's document has no
/// `application_type`). Only the authorization code grant (with refresh tokens) and `code` responses exist for
/// them. Display texts are length-capped; unknown members are ignored (RFC 7591 §2).
enum ClientMetadataDocumentValidator {
    /// The longest client ID URL accepted.
    static let maxURLLength = 2000
    static let maxTextLength = 200
    static let maxListLength = 20
    static let supportedGrantTypes: Set<String> = ["authorization_code", "refresh_token"]

    /// Checks a `client_id` that names a metadata document.
    static func checkClientID(_ clientID: String) throws(ClientMetadataDocumentError) {
        guard clientID.utf8.count <= Self.maxURLLength else {
            throw ClientMetadataDocumentError("the client_id URL is longer than \(Self.maxURLLength) characters")
        }
        guard let parts = RedirectURI(clientID), parts.scheme == "https", parts.hasAuthority, !parts.host.isEmpty
        else { throw ClientMetadataDocumentError("the client_id must be an https URL") }
        guard parts.fragment == nil else {
            throw ClientMetadataDocumentError("the client_id URL must not have a fragment")
        }
        guard !parts.hasUserinfo else {
            throw ClientMetadataDocumentError("the client_id URL must not contain a username or password")
        }
        guard parts.path.hasPrefix("/") else { throw ClientMetadataDocumentError("the client_id URL must have a path") }
        for segment in parts.path.split(separator: "/", omittingEmptySubsequences: false) {
            let decoded = segment.replacingPercentEncodedDots()
            guard decoded != ".", decoded != ".." else {
                throw ClientMetadataDocumentError("the client_id URL must not contain . or .. path segments")
            }
        }
    }

    /// The metadata a fetched document describes.
    static func validate(
        document bytes: [UInt8],
        clientID: String
    ) throws(ClientMetadataDocumentError) -> ClientMetadata {
        guard let json = try? JSONValue(parsing: bytes), case .object(let members) = json else {
            throw ClientMetadataDocumentError("the client metadata document is not a JSON object")
        }
        guard case .string(let documentID)? = members["client_id"] else {
            throw ClientMetadataDocumentError("the client metadata document has no client_id")
        }
        guard documentID.utf8.elementsEqual(clientID.utf8) else {
            throw ClientMetadataDocumentError("the document's client_id is not the URL it was fetched from")
        }
        guard members["client_secret"] == nil, members["client_secret_expires_at"] == nil else {
            throw ClientMetadataDocumentError("a client metadata document must not contain a client secret")
        }
        var metadata = ClientMetadata()

        guard
            let redirectURIs = try Self.stringList(
                members,
                "redirect_uris",
                maxItemLength: RedirectURIPolicy.maxLength
            ),
            !redirectURIs.isEmpty
        else { throw ClientMetadataDocumentError("the client metadata document must list redirect_uris") }
        for uri in redirectURIs {
            do {
                try RedirectURIPolicy.check(uri, allowingPrivateUseSchemes: true)
            } catch {
                throw ClientMetadataDocumentError("the document's redirect_uris: \(error.description)")
            }
        }
        metadata.redirectURIs = redirectURIs

        let grantTypes = try Self.stringList(members, "grant_types", maxItemLength: 100) ?? ["authorization_code"]
        for grant in grantTypes where !Self.supportedGrantTypes.contains(grant) {
            throw ClientMetadataDocumentError(
                "unsupported grant type '\(grant)'; document clients use authorization_code and refresh_token"
            )
        }
        guard grantTypes.contains("authorization_code") else {
            throw ClientMetadataDocumentError("the document's grant_types must include authorization_code")
        }
        metadata.grantTypes = grantTypes
        let responseTypes = try Self.stringList(members, "response_types", maxItemLength: 100) ?? ["code"]
        guard responseTypes == ["code"] else {
            throw ClientMetadataDocumentError("the document's response_types must be [\"code\"]")
        }
        metadata.responseTypes = responseTypes

        let method = try Self.string(members, "token_endpoint_auth_method", maxLength: 100) ?? "none"
        switch method {
        case ClientAuthMethod.none.rawValue:
            break
        case ClientAuthMethod.privateKeyJWT.rawValue:
            try Self.readKeys(members, into: &metadata)
        default:
            throw ClientMetadataDocumentError(
                "token_endpoint_auth_method '\(method)' is not allowed for a document client; use none or private_key_jwt"
            )
        }
        metadata.tokenEndpointAuthMethod = method

        if let scope = try Self.string(members, "scope", maxLength: 1000) {
            // A document is published for many servers: scopes of others are ignored, not refused.
            let known = OAuthScope.parse(scope).filter { OAuthScope.all.contains($0) }
            guard !known.isEmpty else {
                throw ClientMetadataDocumentError(
                    "none of the document's scopes is offered here (\(OAuthScope.all.joined(separator: " ")))"
                )
            }
            metadata.scope = known.joined(separator: " ")
        }
        if let type = try Self.string(members, "application_type", maxLength: 20) {
            guard type == "native" || type == "web" else {
                throw ClientMetadataDocumentError("application_type must be native or web")
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

    /// `jwks` or `jwks_uri` (exactly one, RFC 7591 §2) for `private_key_jwt`.
    private static func readKeys(
        _ members: [String: JSONValue],
        into metadata: inout ClientMetadata
    ) throws(ClientMetadataDocumentError) {
        let jwks = members["jwks"].flatMap { $0.isNull ? nil : $0 }
        let jwksURI = try Self.string(members, "jwks_uri", maxLength: Self.maxURLLength)
        switch (jwks, jwksURI) {
        case (let jwks?, nil):
            let keys: PublicKeySet
            do {
                keys = try PublicKeySet(json: jwks)
            } catch {
                throw ClientMetadataDocumentError("the document's jwks is not a JSON Web Key Set")
            }
            guard keys.count > 0 else {
                throw ClientMetadataDocumentError("the document's jwks has no usable signing key")
            }
            metadata.jwks = jwks
        case (nil, let uri?):
            guard (try? OutboundURL(uri))?.isHTTPS == true else {
                throw ClientMetadataDocumentError("the document's jwks_uri must be an https URL")
            }
            metadata.jwksURI = uri
        case (nil, nil):
            throw ClientMetadataDocumentError("private_key_jwt needs jwks or jwks_uri in the document")
        case (_?, _?):
            throw ClientMetadataDocumentError("the document must not have both jwks and jwks_uri")
        }
    }

    private static func string(
        _ members: [String: JSONValue],
        _ key: String,
        maxLength: Int
    ) throws(ClientMetadataDocumentError) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard value.count <= maxLength else {
                throw ClientMetadataDocumentError("the document's \(key) is longer than \(maxLength) characters")
            }
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ClientMetadataDocumentError("the document's \(key) contains control characters")
            }
            return value
        default:
            throw ClientMetadataDocumentError("the document's \(key) must be a string")
        }
    }

    private static func stringList(
        _ members: [String: JSONValue],
        _ key: String,
        maxItemLength: Int
    ) throws(ClientMetadataDocumentError) -> [String]? {
        switch members[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            guard items.count <= Self.maxListLength else {
                throw ClientMetadataDocumentError("the document's \(key) has more than \(Self.maxListLength) entries")
            }
            var values: [String] = []
            for item in items {
                guard case .string(let value) = item else {
                    throw ClientMetadataDocumentError("the document's \(key) must be an array of strings")
                }
                guard value.count <= maxItemLength else {
                    throw ClientMetadataDocumentError("an entry of the document's \(key) is too long")
                }
                values.append(value)
            }
            return values
        default:
            throw ClientMetadataDocumentError("the document's \(key) must be an array of strings")
        }
    }

    /// An `http(s)` URL shown to people (client, logo, terms and policy pages).
    private static func webURL(
        _ members: [String: JSONValue],
        _ key: String
    ) throws(ClientMetadataDocumentError) -> String? {
        guard let value = try Self.string(members, key, maxLength: Self.maxURLLength) else { return nil }
        guard let parts = RedirectURI(value), parts.scheme == "https" || parts.scheme == "http", parts.hasAuthority,
            !parts.host.isEmpty, !parts.hasUserinfo
        else { throw ClientMetadataDocumentError("the document's \(key) must be an http(s) URL") }
        return value
    }
}

extension Substring {
    /// The segment with `%2e`/`%2E` read as `.`, to compare against dot segments.
    fileprivate func replacingPercentEncodedDots() -> String {
        var text = String(self)
        for encoded in ["%2e", "%2E"] {
            while let range = text.firstRange(of: encoded) { text.replaceSubrange(range, with: ".") }
        }
        return text
    }
}
