import HTTPTypes
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Client authentication at `/token` and `/revoke` (RFC 6749 §2.3, RFC 7009 §2.1): exactly one method per request,
/// and it must be the one the client registered (`token_endpoint_auth_method`).
///
/// - `client_secret_basic` / `client_secret_post`: registered clients with a secret.
/// - `private_key_jwt` (RFC 7523 §2.2): `client_assertion_type` `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
///   and a `client_assertion` signed with a key of the client's `jwks` or `jwks_uri`.
/// - `tls_client_auth` / `self_signed_tls_client_auth` (RFC 8705 §2): only `client_id`, and the TLS certificate.
/// - `none` (public clients): only `client_id`. Such a client proves nothing; the grants it may use
///   (authorization code with PKCE, refresh token) are bound to what it cannot fake, and
///   ``Authenticated/isPublic`` tells the caller so.
///
/// Clients are found through ``AuthorizationServer/clients``: registered ids, and Client ID Metadata Document URLs.
struct ClientAuthentication: Sendable {
    let server: AuthorizationServer

    /// A client that proved who it is (or, for a public client, named itself).
    struct Authenticated: Sendable {
        let client: KnownClient
        /// The method it used: always its registered one.
        let method: ClientAuthMethod

        /// `true` for `none`: the client proved nothing.
        var isPublic: Bool { self.method == .none }
        /// The metadata the client registered or publishes.
        var metadata: ClientMetadata { self.client.metadata }
    }

    /// What the request presents, before anything is looked up.
    private enum Presented {
        case basic(secret: String)
        case post(secret: String)
        case assertion(String)
        /// Only `client_id`: a public client, or one that proves itself with its TLS certificate.
        case idOnly
    }

    /// The client id the request names, for audit lines before authentication: only when it could be an id (a
    /// registered one, or a short metadata document URL); anything else is attacker-sized text, logged as
    /// `malformed`. `nil` when the request names none.
    static func auditableID(_ id: String?) -> String? {
        guard let id else { return nil }
        if ClientRegistry.isWellFormed(id: id) { return id }
        if ClientDirectory.isMetadataDocumentURL(id), id.utf8.count <= 256,
            id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return id
        }
        return "malformed"
    }

    /// The client id a request names (Basic credentials first, then `client_id`, then an assertion's `sub`), for
    /// audit lines and rate limits before authentication; not checked.
    static func namedID(_ headers: HTTPFields, _ form: [String: String]) -> String? {
        if let basic = headers[.authorization], let (id, _) = Self.basicCredentials(basic) { return id }
        if let id = form["client_id"] { return id }
        return form["client_assertion"].flatMap(Self.assertionSubject)
    }

    /// Authenticates the client of a `/token` or `/revoke` request.
    /// - Throws: ``OAuthHTTPError`` `invalid_client` (401), or `invalid_request` when more than one method is used.
    func authenticate(
        headers: HTTPFields,
        form: [String: String],
        certificate: [UInt8]?,
        urls: ServerURLs,
        now: Date = Date()
    ) async throws -> Authenticated {
        let (id, presented) = try Self.presented(headers, form)
        switch presented {
        case .basic(let secret), .post(let secret):
            let basic = if case .basic = presented { true } else { false }
            // Constant time whether or not the client exists (a dummy hash stands in).
            guard let stored = try await self.server.registry.authenticate(id: id, secret: secret) else {
                throw Self.invalidClient(basic: basic, "unknown client or wrong secret")
            }
            let client = KnownClient(
                id: id,
                metadata: try ClientRegistry.metadata(of: stored),
                source: .registered(stored)
            )
            return try Self.requireRegistered(client, used: basic ? .clientSecretBasic : .clientSecretPost)
        case .assertion(let assertion):
            guard let client = try await self.client(id, now: now) else {
                throw Self.invalidClient(basic: false, "unknown client, or the client assertion does not verify")
            }
            let authenticated = try Self.requireRegistered(client, used: .privateKeyJWT)
            try await self.verifyAssertion(assertion, of: client, urls: urls, now: now)
            return authenticated
        case .idOnly:
            // The same refusal whatever is wrong, so an id-only request learns nothing about the client.
            let refused = Self.invalidClient(
                basic: false,
                "unknown client, or it must authenticate (client secret, client assertion or TLS client certificate)"
            )
            guard let client = try await self.client(id, now: now),
                let method = ClientAuthMethod(rawValue: client.tokenEndpointAuthMethod)
            else { throw refused }
            switch method {
            case .none:
                return Authenticated(client: client, method: .none)
            case .tlsClientAuth, .selfSignedTLSClientAuth:
                guard case .registered = client.source,
                    try await self.certificateMatches(client.metadata, method: method, certificate: certificate)
                else { throw refused }
                return Authenticated(client: client, method: method)
            case .clientSecretBasic, .clientSecretPost, .privateKeyJWT:
                throw refused
            }
        }
    }

    /// The client `id` names; `nil` when there is none. A metadata document that cannot be used is `invalid_client`.
    private func client(_ id: String, now: Date) async throws -> KnownClient? {
        do {
            return try await self.server.clients.client(id: id, now: now)
        } catch let error as ClientMetadataDocumentError {
            throw Self.invalidClient(basic: false, "the client's metadata document cannot be used: \(error)")
        }
    }

    /// `client` authenticated with `used`, when that is its registered method.
    private static func requireRegistered(_ client: KnownClient, used: ClientAuthMethod) throws -> Authenticated {
        guard client.tokenEndpointAuthMethod == used.rawValue else {
            throw Self.invalidClient(
                basic: used == .clientSecretBasic,
                "this client is registered for \(client.tokenEndpointAuthMethod)"
            )
        }
        return Authenticated(client: client, method: used)
    }

    /// RFC 7523 §3 checks of a `private_key_jwt` assertion, replay included (``ClientAssertionVerifier``). The
    /// audience is the issuer identifier only (draft-ietf-oauth-rfc7523bis), at `/token` and `/revoke` alike. The
    /// official Python MCP SDK sends exactly that (`aud` = the `issuer` of the metadata, one string), so nothing
    /// that clients are known to send needs the token endpoint URL accepted.
    private func verifyAssertion(
        _ assertion: String,
        of client: KnownClient,
        urls: ServerURLs,
        now: Date
    )
        async throws
    {
        guard let verifier = self.server.assertions else {
            throw Self.invalidClient(basic: false, "private_key_jwt is not available on this server")
        }
        do {
            try await verifier.verify(
                assertion: assertion,
                client: client,
                audiences: [urls.issuer],
                now: now
            )
        } catch let error as ClientAssertionError {
            throw Self.invalidClient(basic: false, error.description)
        }
    }

    /// RFC 8705 §2: `tls_client_auth` (a certificate from the client CA with the registered subject DN) or
    /// `self_signed_tls_client_auth` (one of the registered certificates).
    private func certificateMatches(
        _ metadata: ClientMetadata,
        method: ClientAuthMethod,
        certificate: [UInt8]?
    ) async throws -> Bool {
        guard let authority = self.server.configuration.clientCertificateAuthority, let certificate else {
            return false
        }
        switch method {
        case .tlsClientAuth:
            // Cheap checks first; the chain (one signature check against the CA) last.
            guard let subject = metadata.tlsClientAuthSubjectDN, let presented = ClientCertificate(der: certificate),
                presented.allowsClientAuthentication, ClientCertificate.sameDN(presented.subjectDN, subject)
            else { return false }
            return await authority.issued(presented)
        case .selfSignedTLSClientAuth:
            // Equal to a registered certificate (checked to be self-signed at registration): a hash, no parsing.
            guard let jwks = metadata.jwks else { return false }
            return RegisteredCertificates.registeredThumbprints(in: jwks).contains(
                ClientCertificate.thumbprint(der: certificate)
            )
        case .none, .clientSecretBasic, .clientSecretPost, .privateKeyJWT:
            return false
        }
    }

    /// Exactly one client authentication method (RFC 6749 §2.3): the client id and what it presents.
    private static func presented(_ headers: HTTPFields, _ form: [String: String]) throws -> (String, Presented) {
        let assertionType = form["client_assertion_type"]
        let assertion = form["client_assertion"]
        let methods = [headers[.authorization] != nil, form["client_secret"] != nil, assertion != nil].filter { $0 }
        guard methods.count <= 1 else {
            throw OAuthHTTPError.invalidRequest(
                "use one client authentication method (Basic, client_secret or client_assertion), not several"
            )
        }
        if let basic = headers[.authorization] {
            guard let (id, secret) = Self.basicCredentials(basic) else {
                throw Self.invalidClient(basic: true, "malformed Basic credentials")
            }
            if let bodyID = form["client_id"], bodyID != id {
                throw OAuthHTTPError.invalidRequest("client_id in the body differs from the Basic credentials")
            }
            return (id, .basic(secret: secret))
        }
        if assertion != nil || assertionType != nil {
            guard let assertion, assertionType == ClientAssertionVerifier.assertionType else {
                throw OAuthHTTPError.invalidRequest(
                    "client_assertion needs client_assertion_type \(ClientAssertionVerifier.assertionType), and the other way round"
                )
            }
            // RFC 7523 §3: the assertion's `sub` is the client; client_id, when sent, must say the same.
            guard let id = form["client_id"] ?? Self.assertionSubject(assertion) else {
                throw Self.invalidClient(basic: false, "the client assertion names no client (sub)")
            }
            return (id, .assertion(assertion))
        }
        guard let id = form["client_id"] else {
            throw Self.invalidClient(
                basic: false,
                "client authentication is required (client_secret_basic, client_secret_post, private_key_jwt, a TLS "
                    + "client certificate, or client_id alone for a public client)"
            )
        }
        if let secret = form["client_secret"] { return (id, .post(secret: secret)) }
        return (id, .idOnly)
    }

    /// The id and secret of an `Authorization: Basic` header; `nil` when malformed.
    private static func basicCredentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Base64.decode(parts[1].trimmingOWS()),
            let text = String(strictUTF8: decoded), let colon = text.firstIndex(of: ":"),
            // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
            let id = FormURLEncoded.decode(Array(text[..<colon].utf8)),
            let secret = FormURLEncoded.decode(Array(text[text.index(after: colon)...].utf8))
        else { return nil }
        return (id, secret)
    }

    /// The `sub` of a JWT, read without verifying anything: only which client to look up; the verifier then checks
    /// the signature and that `sub` and `iss` name that client.
    private static func assertionSubject(_ assertion: String) -> String? {
        guard assertion.utf8.count <= AccessTokenEnvelope.maxLength else { return nil }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64.decode(parts[1], .url), let json = try? JSONValue(parsing: payload)
        else { return nil }
        return json["sub"]?.stringValue
    }

    /// 401 `invalid_client`; with `WWW-Authenticate: Basic` (RFC 6749 §5.2 asks for it when Basic was tried, and it
    /// does no harm otherwise).
    static func invalidClient(basic: Bool, _ detail: String) -> OAuthHTTPError {
        OAuthHTTPError(
            .unauthorized,
            "invalid_client",
            detail,
            headers: [.wwwAuthenticate: #"Basic realm="remote-mcp""#]
        )
    }
}
