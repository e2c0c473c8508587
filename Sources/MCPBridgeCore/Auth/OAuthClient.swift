import AsyncHTTPClient
public import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The OAuth requests a bridge makes: discovery (RFC 9728, RFC 8414), registration (RFC 7591), tokens
/// (RFC 6749 `client_credentials` with an RFC 8707 `resource`), and deletion (RFC 7592); the sign-in of a person
/// (authorization code, refresh, device code, revocation) is in the extensions beside this file.
public struct OAuthClient: Sendable {
    /// The most read of any answer from an authorization server.
    static let maximumResponseBytes = 1 << 20

    let http: BridgeHTTP
    /// The `User-Agent` sent on every request.
    let userAgent: String

    public init(http: BridgeHTTP, userAgent: String = BridgeHTTP.userAgent) {
        self.http = http
        self.userAgent = userAgent
    }

    /// The protected resource metadata of `resource`: from `challenge`'s `resource_metadata` when given, else
    /// the path-aware well-known URL, then the root one (MCP authorization, "Protected Resource Metadata
    /// Discovery"). Its `resource` must equal the server URL, or a token for it could be sent elsewhere.
    public func protectedResourceMetadata(
        for resource: URL,
        challenge: BearerChallenge?
    ) async throws -> ProtectedResourceMetadata {
        var candidates: [URL] = []
        if let advertised = challenge?.resourceMetadata, let url = URL(string: advertised) {
            candidates.append(url)
        } else {
            let path = resource.path == "/" ? "" : resource.path
            if !path.isEmpty, let url = Self.wellKnown("oauth-protected-resource", origin: resource, suffix: path) {
                candidates.append(url)
            }
            if let url = Self.wellKnown("oauth-protected-resource", origin: resource, suffix: "") {
                candidates.append(url)
            }
        }
        var lastProblem = "no metadata URL"
        for url in candidates {
            try self.http.settings.check(url)
            let (status, body) = try await self.get(url)
            guard status == 200 else {
                lastProblem = "\(url.absoluteString) answered HTTP \(status)"
                continue
            }
            guard let metadata = try? JSONDecoder().decode(ProtectedResourceMetadata.self, from: Data(body)) else {
                throw BridgeError.authorization("\(url.absoluteString) is not protected resource metadata")
            }
            guard Self.sameResource(metadata.resource, resource) else {
                throw BridgeError.authorization(
                    "the server's metadata names resource \(metadata.resource), not \(resource.absoluteString); refusing to send credentials for it"
                )
            }
            guard !metadata.authorizationServers.isEmpty else {
                throw BridgeError.authorization("\(url.absoluteString) lists no authorization server")
            }
            return metadata
        }
        throw BridgeError.authorization(
            "the server asks for a token but publishes no protected resource metadata (\(lastProblem))"
        )
    }

    /// The metadata of the authorization server `issuer`, tried at the URLs the MCP spec orders (RFC 8414 path
    /// insertion, OpenID Connect path insertion, OpenID Connect path appending). `issuer` must match exactly.
    public func authorizationServerMetadata(issuer: String) async throws -> AuthorizationServerMetadata {
        guard let issuerURL = URL(string: issuer), issuerURL.host != nil else {
            throw BridgeError.authorization("the authorization server \(issuer) is not a URL")
        }
        let path = issuerURL.path == "/" ? "" : issuerURL.path
        var candidates: [URL] = []
        if path.isEmpty {
            candidates = [
                Self.wellKnown("oauth-authorization-server", origin: issuerURL, suffix: ""),
                Self.wellKnown("openid-configuration", origin: issuerURL, suffix: ""),
            ].compactMap { $0 }
        } else {
            candidates = [
                Self.wellKnown("oauth-authorization-server", origin: issuerURL, suffix: path),
                Self.wellKnown("openid-configuration", origin: issuerURL, suffix: path),
                URL(
                    string: issuer.hasSuffix("/")
                        ? issuer + ".well-known/openid-configuration" : issuer + "/.well-known/openid-configuration"
                ),
            ].compactMap { $0 }
        }
        var problems: [String] = []
        for url in candidates {
            try self.http.settings.check(url)
            let (status, body) = try await self.get(url)
            guard status == 200 else {
                problems.append("\(url.path): HTTP \(status)")
                continue
            }
            guard let metadata = try? JSONDecoder().decode(AuthorizationServerMetadata.self, from: Data(body)) else {
                problems.append("\(url.path): not authorization server metadata")
                continue
            }
            guard metadata.issuer == issuer else {
                throw BridgeError.authorization(
                    "\(url.absoluteString) claims issuer \(metadata.issuer), expected \(issuer)"
                )
            }
            return metadata
        }
        throw BridgeError.authorization(
            "no metadata for authorization server \(issuer) (\(problems.joined(separator: "; ")))"
        )
    }

    /// Registers a `client_credentials` client by DCR, presenting `initialAccessToken` as a Bearer token when
    /// given (RFC 7591 §3: servers that do not let anyone register ask for one).
    public func register(
        at endpoint: String,
        clientName: String,
        scope: String?,
        authMethods: [String]?,
        initialAccessToken: InitialAccessToken? = nil,
        boundTokens: Bool = false
    ) async throws -> ClientInformation {
        // Basic unless the server only takes credentials in the body.
        let method =
            (authMethods.map { !$0.contains("client_secret_basic") && $0.contains("client_secret_post") } ?? false)
            ? "client_secret_post" : "client_secret_basic"
        var metadata = ClientMetadata()
        metadata.clientName = clientName
        metadata.grantTypes = ["client_credentials"]
        metadata.tokenEndpointAuthMethod = method
        // With a client certificate, tokens bound to it (RFC 8705 §3) are useless to anyone who copies them.
        if boundTokens { metadata.tlsClientCertificateBoundAccessTokens = true }
        metadata.scope = scope
        return try await self.register(metadata, at: endpoint, initialAccessToken: initialAccessToken)
    }

    /// Registers `metadata` by DCR (RFC 7591 §3.1) as a native application (MCP 2026-07-28 requires
    /// `application_type`), naming this software.
    func register(
        _ metadata: ClientMetadata,
        at endpoint: String,
        initialAccessToken: InitialAccessToken?
    ) async throws -> ClientInformation {
        guard let url = URL(string: endpoint) else {
            throw BridgeError.authorization("bad registration endpoint \(endpoint)")
        }
        try self.http.settings.check(url)
        var metadata = metadata
        metadata.applicationType = "native"
        metadata.softwareID = "mcp-bridge"
        metadata.softwareVersion = RemoteMCP.version
        let body = try JSONEncoder().encode(metadata)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: self.userAgent)
        if let initialAccessToken {
            request.headers.add(name: "Authorization", value: "Bearer \(initialAccessToken.value)")
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await self.http.execute(request)
        let bytes = try await self.http.collect(response, limit: Self.maximumResponseBytes)
        guard response.status == .created || response.status == .ok else {
            let refusal = "HTTP \(response.status.code)\(Self.oauthError(bytes))"
            if let redirectURIs = metadata.redirectURIs, Self.oauthErrorCode(bytes) == "invalid_redirect_uri" {
                // OpenID Connect DCR servers that only take redirect URIs they know (MCP: clients must handle it).
                throw BridgeError.authorization(
                    "registration at \(endpoint) refused the redirect URI \(redirectURIs.joined(separator: ", ")) (\(refusal)); if the server takes only clients registered beforehand, pass --client-id, or choose the port with --callback-port"
                )
            }
            guard response.status == .unauthorized else {
                throw BridgeError.authorization("registration at \(endpoint) refused: \(refusal)")
            }
            // 401 at the registration endpoint is about the initial access token: missing, or not the right one.
            throw BridgeError.authorization(
                initialAccessToken == nil
                    ? "registration at \(endpoint) needs the operator's initial access token (\(refusal)); pass it with --registration-token-file FILE or MCP_BRIDGE_REGISTRATION_TOKEN"
                    : "registration at \(endpoint) refused the initial access token (\(refusal)); check the value given with --registration-token, --registration-token-file or MCP_BRIDGE_REGISTRATION_TOKEN"
            )
        }
        guard let information = try? JSONDecoder().decode(ClientInformation.self, from: Data(bytes)) else {
            throw BridgeError.authorization(
                "registration at \(endpoint) answered something that is not client information"
            )
        }
        return information
    }

    /// The outcome of a token request.
    public enum TokenOutcome: Sendable {
        case token(TokenResponse)
        /// The client is unknown or its secret is wrong (`invalid_client`): the registration is stale.
        case invalidClient
        /// The grant is no good (`invalid_grant`, with the server's description): a refresh token expired,
        /// revoked or already used, or a code or device code that is not (or no longer) valid. A new sign-in is
        /// needed.
        case invalidGrant(String)
    }

    /// Requests a `client_credentials` token for `resource`.
    public func token(for credentials: StoredCredentials) async throws -> TokenOutcome {
        let client: ClientAuthentication =
            credentials.tokenEndpointAuthMethod == "client_secret_post"
            ? .post(credentials.clientID, credentials.clientSecret ?? "")
            : .basic(credentials.clientID, credentials.clientSecret ?? "")
        let outcome = try await self.clientCredentialsToken(
            tokenEndpoint: credentials.tokenEndpoint,
            resource: credentials.resource,
            scope: credentials.scope,
            client: client
        )
        // A client_credentials client has no grant to renew: its callers know only a token or a stale client.
        if case .invalidGrant(let description) = outcome {
            throw BridgeError.authorization("the token endpoint refused: invalid_grant (\(description))")
        }
        return outcome
    }

    /// Requests a `client_credentials` token (RFC 6749 §4.4) for `resource` (RFC 8707).
    public func clientCredentialsToken(
        tokenEndpoint: String,
        resource: String,
        scope: String?,
        client: ClientAuthentication
    ) async throws -> TokenOutcome {
        var form = [("grant_type", "client_credentials"), ("resource", resource)]
        if let scope, !scope.isEmpty { form.append(("scope", scope)) }
        return try await self.requestToken(at: tokenEndpoint, form: form, client: client)
    }

    /// Deletes a registration (RFC 7592 §2.3). Returns the HTTP status.
    public func deleteRegistration(uri: String, accessToken: String) async throws -> Int {
        guard let url = URL(string: uri) else { throw BridgeError.configuration("bad registration URI \(uri)") }
        try self.http.settings.check(url)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .DELETE
        request.headers.add(name: "Authorization", value: "Bearer \(accessToken)")
        request.headers.add(name: "User-Agent", value: self.userAgent)
        let response = try await self.http.execute(request)
        await response.discardBody()
        return Int(response.status.code)
    }

    private func get(_ url: URL) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: self.userAgent)
        let response = try await self.http.execute(request)
        let bytes = try await self.http.collect(response, limit: Self.maximumResponseBytes)
        return (Int(response.status.code), bytes)
    }

    static func wellKnown(_ name: String, origin: URL, suffix: String) -> URL? {
        guard var components = URLComponents(url: origin, resolvingAgainstBaseURL: false) else { return nil }
        components.percentEncodedPath = "/.well-known/\(name)\(suffix)"
        components.query = nil
        components.fragment = nil
        return components.url
    }

    /// Whether two resource identifiers name the same server (scheme and host compare case-insensitively,
    /// a trailing slash does not matter).
    static func sameResource(_ advertised: String, _ resource: URL) -> Bool {
        func normal(_ text: String) -> String? {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
            else {
                return nil
            }
            let defaultPort = scheme == "https" ? 443 : 80
            let port = url.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? ""
            var path = url.path
            while path.hasSuffix("/") { path.removeLast() }
            return "\(scheme)://\(host)\(port)\(path)"
        }
        guard let left = normal(advertised), let right = normal(resource.absoluteString) else { return false }
        return left == right
    }

    /// `text` encoded for an `application/x-www-form-urlencoded` body.
    static func formEncode(_ text: String) -> String {
        PercentEncoding.encode(text, form: true)
    }

    /// The `error` code of an OAuth error body, if it is one.
    static func oauthErrorCode(_ body: [UInt8]) -> String? {
        (try? JSONDecoder().decode(OAuthErrorResponse.self, from: Data(body)))?.error
    }

    static func oauthError(_ body: [UInt8]) -> String {
        guard let error = try? JSONDecoder().decode(OAuthErrorResponse.self, from: Data(body)) else { return "" }
        return " (\(error.error)\(error.errorDescription.map { ": \($0)" } ?? ""))"
    }
}
