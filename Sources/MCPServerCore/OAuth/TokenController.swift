import Foundation
public import Hummingbird
import Logging
import MCPWire

/// `POST /token`: the client_credentials grant (RFC 6749 §4.4) with client_secret_basic or
/// client_secret_post, `scope`, and RFC 8707 `resource`.
public struct TokenController: Sendable {
    let server: AuthorizationServer
    static let maxBodyBytes = 64 * 1024

    public init(server: AuthorizationServer) {
        self.server = server
    }

    public func addRoutes<Context: MCPRequestContext>(to group: RouterGroup<Context>) {
        group.post(use: self.token)
    }

    /// Client credentials: a secret by one of the two secret methods, or only the id when the client proves
    /// itself with its TLS certificate (RFC 8705).
    private struct Credentials {
        let id: String
        let secret: String?
        let method: ClientAuthMethod
    }

    @Sendable func token(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        var request = request
        let ip = context.clientIPAddress
        var clientID: String?
        do {
            let contentType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(
                in: .whitespaces
            )
            guard contentType?.lowercased() == "application/x-www-form-urlencoded" else {
                throw OAuthHTTPError.invalidRequest("Content-Type must be application/x-www-form-urlencoded")
            }
            let body = try await request.collectBody(
                limit: Self.maxBodyBytes,
                tooLarge: OAuthHTTPError(.contentTooLarge, "invalid_request", "the body exceeds 64 KiB")
            )
            guard let pairs = FormURLEncoded.parse(body) else {
                throw OAuthHTTPError.invalidRequest("the form body is malformed")
            }
            var form: [String: String] = [:]
            for (name, value) in pairs {
                guard form.updateValue(value, forKey: name) == nil else {
                    throw OAuthHTTPError.invalidRequest("parameter '\(name)' appears more than once")
                }
            }
            let credentials = try Self.credentials(request.headers, form)
            // Logged only when it could be an id: anything else is attacker-sized text for the audit log.
            clientID = ClientRegistry.isWellFormed(id: credentials.id) ? credentials.id : "malformed"
            let certificate = await context.clientCertificateDER()
            let client = try await self.authenticate(credentials, certificate: certificate)
            try await self.server.enforceRateLimit(
                RateLimitKey.token(client: client.id),
                perMinute: self.server.configuration.tokenRequestsPerMinutePerClient
            )
            guard let grant = form["grant_type"] else { throw OAuthHTTPError.invalidRequest("grant_type is required") }
            guard grant == "client_credentials" else {
                throw OAuthHTTPError(
                    .badRequest,
                    "unsupported_grant_type",
                    "this server supports client_credentials only"
                )
            }
            let metadata = try ClientRegistry.metadata(of: client)
            guard metadata.grantTypes?.contains("client_credentials") ?? false else {
                throw OAuthHTTPError(.badRequest, "unauthorized_client", "this client may not use client_credentials")
            }
            let allowed = OAuthScope.parse(metadata.scope ?? "")
            var scopes = allowed
            if let requested = form["scope"] {
                scopes = OAuthScope.parse(requested)
                guard !scopes.isEmpty else {
                    throw OAuthHTTPError(.badRequest, "invalid_scope", "scope must not be empty")
                }
                for scope in scopes where !allowed.contains(scope) {
                    throw OAuthHTTPError(
                        .badRequest,
                        "invalid_scope",
                        "scope '\(scope)' is not registered for this client"
                    )
                }
            }
            if let resource = form["resource"], !Self.isResource(resource, of: context.urls) {
                throw OAuthHTTPError(.badRequest, "invalid_target", "resource must be \(context.urls.resource)")
            }
            let response = try await self.server.issueToken(
                for: client,
                scope: scopes.joined(separator: " "),
                urls: context.urls,
                certificateThumbprint: try Self.binding(credentials, metadata: metadata, certificate: certificate)
            )
            AuditLog.record(
                "token.issued",
                outcome: "success",
                clientID: client.id,
                sourceIP: ip,
                logger: context.logger
            )
            return OAuthHTTPError.response(.ok, response)
        } catch var error as OAuthHTTPError {
            // Failures count per address; a client's own limit (429 above) is not a failure of the address.
            if error.status != .tooManyRequests,
                let refusal = try await self.server.countRateLimit(
                    RateLimitKey.tokenFailure(ip: ip),
                    perMinute: self.server.configuration.tokenFailuresPerMinutePerIP
                )
            {
                error = refusal
            }
            AuditLog.record(
                "token.refused",
                outcome: error.code,
                clientID: clientID,
                sourceIP: ip,
                logger: context.logger
            )
            throw error
        }
    }

    /// Exactly one client authentication method (RFC 6749 §2.3).
    private static func credentials(_ headers: HTTPFields, _ form: [String: String]) throws -> Credentials {
        let basic = headers[.authorization]
        if let basic {
            guard form["client_secret"] == nil else {
                throw OAuthHTTPError.invalidRequest(
                    "use one client authentication method, not Basic and client_secret both"
                )
            }
            let parts = basic.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                let decoded = Base64.decode(parts[1].trimmingCharacters(in: .whitespaces)),
                let text = String(strictUTF8: decoded), let colon = text.firstIndex(of: ":"),
                // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
                let id = FormURLEncoded.decode(Array(text[..<colon].utf8)),
                let secret = FormURLEncoded.decode(Array(text[text.index(after: colon)...].utf8))
            else { throw Self.invalidClient(basic: true, "malformed Basic credentials") }
            if let bodyID = form["client_id"], bodyID != id {
                throw OAuthHTTPError.invalidRequest("client_id in the body differs from the Basic credentials")
            }
            return Credentials(id: id, secret: secret, method: .clientSecretBasic)
        }
        guard let id = form["client_id"] else {
            throw Self.invalidClient(
                basic: false,
                "client authentication is required (client_secret_basic, client_secret_post or a TLS client certificate)"
            )
        }
        guard let secret = form["client_secret"] else {
            // Only an id: the client must prove itself with its certificate; which method its registration says.
            return Credentials(id: id, secret: nil, method: .tlsClientAuth)
        }
        return Credentials(id: id, secret: secret, method: .clientSecretPost)
    }

    /// The certificate a token is bound to: always the one a certificate-authenticated client used, and the
    /// presented one for clients that registered `tls_client_certificate_bound_access_tokens`.
    private static func binding(
        _ credentials: Credentials,
        metadata: ClientMetadata,
        certificate: [UInt8]?
    ) throws -> String? {
        if credentials.method.usesCertificate || metadata.tlsClientCertificateBoundAccessTokens == true {
            guard let certificate else {
                throw OAuthHTTPError.invalidRequest(
                    "this client's tokens are bound to its TLS client certificate; connect with it"
                )
            }
            return ClientCertificate.thumbprint(der: certificate)
        }
        return nil
    }

    private func authenticate(_ credentials: Credentials, certificate: [UInt8]?) async throws -> StoredClient {
        let basic = credentials.method == .clientSecretBasic
        guard let secret = credentials.secret else {
            return try await self.authenticateByCertificate(id: credentials.id, certificate: certificate)
        }
        guard let client = try await self.server.registry.authenticate(id: credentials.id, secret: secret) else {
            throw Self.invalidClient(basic: basic, "unknown client or wrong secret")
        }
        let registered =
            try ClientRegistry.metadata(of: client).tokenEndpointAuthMethod ?? ClientMetadataValidator.defaultAuthMethod
        guard registered == credentials.method.rawValue else {
            throw Self.invalidClient(basic: basic, "this client is registered for \(registered)")
        }
        return client
    }

    /// RFC 8705 §2: `tls_client_auth` (a certificate from the client CA with the registered subject DN) or
    /// `self_signed_tls_client_auth` (one of the registered certificates).
    private func authenticateByCertificate(id: String, certificate: [UInt8]?) async throws -> StoredClient {
        let refused = Self.invalidClient(basic: false, "unknown client, or no matching TLS client certificate")
        guard let authority = self.server.configuration.clientCertificateAuthority,
            ClientRegistry.isWellFormed(id: id), let client = try await self.server.store.client(id: id)
        else { throw refused }
        let metadata = try ClientRegistry.metadata(of: client)
        // The same refusal whatever is wrong, so an id-only request learns nothing about the client.
        guard let method = ClientAuthMethod(rawValue: metadata.tokenEndpointAuthMethod ?? ""), method.usesCertificate,
            let certificate
        else { throw refused }
        switch method {
        case .tlsClientAuth:
            // Cheap checks first; the chain (one signature check against the CA) last.
            guard let subject = metadata.tlsClientAuthSubjectDN, let presented = ClientCertificate(der: certificate),
                presented.allowsClientAuthentication, ClientCertificate.sameDN(presented.subjectDN, subject),
                await authority.issued(presented)
            else { throw refused }
        case .selfSignedTLSClientAuth:
            // Equal to a registered certificate (checked to be self-signed at registration): a hash, no parsing.
            guard let jwks = metadata.jwks,
                RegisteredCertificates.registeredThumbprints(in: jwks).contains(
                    ClientCertificate.thumbprint(der: certificate)
                )
            else { throw refused }
        case .clientSecretBasic, .clientSecretPost:
            throw refused
        }
        return client
    }

    /// 401 `invalid_client`; with `WWW-Authenticate: Basic` when Basic was tried (RFC 6749 §5.2).
    private static func invalidClient(basic: Bool, _ detail: String) -> OAuthHTTPError {
        OAuthHTTPError(
            .unauthorized,
            "invalid_client",
            detail,
            headers: [.wwwAuthenticate: #"Basic realm="remote-mcp""#]
        )
    }

    /// `resource` names this server's MCP endpoint (scheme and host compared case-insensitively).
    private static func isResource(_ value: String, of urls: ServerURLs) -> Bool {
        guard let given = URLComponents(string: value), let ours = URLComponents(string: urls.resource),
            given.fragment == nil
        else { return false }
        var givenPath = given.path
        while givenPath.hasSuffix("/") { givenPath.removeLast() }
        return given.scheme?.lowercased() == ours.scheme?.lowercased()
            && given.host?.lowercased() == ours.host?.lowercased()
            && given.port == ours.port && givenPath == ours.path && given.query == nil
    }
}
