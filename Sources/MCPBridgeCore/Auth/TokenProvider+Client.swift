import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TokenProvider {
    /// The loopback redirect URI of a browser sign-in: the same port every time for this server (so a
    /// pre-registered redirect URI keeps working), or `--callback-port`.
    nonisolated var redirectURI: String {
        "http://127.0.0.1:\(self.callbackPort)/callback"
    }

    nonisolated var callbackPort: Int {
        self.signIn.callbackPort ?? CallbackPort.stable(for: self.resource)
    }

    /// Whether stored credentials belong to the client the user configures now (`--client-id`,
    /// `--client-metadata-url`, `--auth`); when not, they are left alone and a new sign-in happens.
    nonisolated func matchesChosenClient(_ stored: StoredCredentials) -> Bool {
        if let chosen = self.signIn.preRegisteredClient {
            guard stored.clientSource == .preRegistered, stored.clientID == chosen.clientID else { return false }
        } else if stored.clientSource == .preRegistered {
            return false
        }
        if stored.clientSource == .metadataDocument,
            stored.clientID != self.signIn.clientMetadataURL?.absoluteString
        {
            return false
        }
        switch self.signIn.auth {
        case .auto: return true
        case .clientCredentials: return stored.grant == .clientCredentials
        case .browser, .device: return stored.grant != .clientCredentials
        }
    }

    /// Credentials for the plan's client, without tokens unless `existing` is that same client: the user's
    /// pre-registered client, the metadata document's URL, or a registration (reused when it fits the grant and
    /// the redirect URI, made otherwise).
    nonisolated func client(for plan: SignInPlan, existing: StoredCredentials?) async throws -> StoredCredentials {
        let redirect = plan.grant == .authorizationCode ? self.redirectURI : nil
        var credentials: StoredCredentials
        switch plan.client {
        case .preRegistered(let client):
            if let existing, existing.clientSource == .preRegistered, existing.clientID == client.clientID {
                credentials = existing
            } else {
                try self.checkPin(of: client, issuer: plan.issuer)
                credentials = self.blank(plan, clientID: client.clientID, method: "none")
            }
            switch client.authentication {
            case .none:
                credentials.tokenEndpointAuthMethod = "none"
                credentials.clientSecret = nil
            case .secret(let secret):
                credentials.tokenEndpointAuthMethod = Self.secretMethod(plan.metadata)
                credentials.clientSecret = secret
            case .privateKey:
                credentials.tokenEndpointAuthMethod = "private_key_jwt"
                credentials.clientSecret = nil
            }
        case .metadataDocument(let url):
            if let existing, existing.clientSource == .metadataDocument, existing.clientID == url {
                credentials = existing
            } else {
                credentials = self.blank(plan, clientID: url, method: "none")
            }
        case .registered:
            if let existing, existing.clientSource == .registered, !existing.clientID.isEmpty,
                existing.grant == plan.grant, redirect == nil || existing.redirectURI == redirect
            {
                credentials = existing
            } else {
                credentials = try await self.register(plan, redirectURI: redirect)
            }
        }
        credentials.clientSource = plan.clientSource
        credentials.grant = plan.grant
        credentials.tokenEndpoint = plan.metadata.tokenEndpoint
        credentials.registrationEndpoint = plan.metadata.registrationEndpoint
        credentials.authorizationEndpoint = plan.metadata.authorizationEndpoint
        credentials.deviceAuthorizationEndpoint = plan.metadata.deviceAuthorizationEndpoint
        credentials.revocationEndpoint = plan.metadata.revocationEndpoint
        credentials.issParameterSupported = plan.metadata.authorizationResponseIssParameterSupported == true
        if let redirect { credentials.redirectURI = redirect }
        if credentials.clientName == nil { credentials.clientName = self.clientName }
        return credentials
    }

    /// A pre-registered client belongs to one authorization server, and its secret must reach no other. The
    /// first issuer it is used with is recorded (its credentials); when the server later names another issuer,
    /// nothing is sent there until the person says the move is expected (`logout`, which forgets the old one).
    /// Trust on first use, per resource: the same client given for another server is pinned there separately.
    private nonisolated func checkPin(of client: PreRegisteredClient, issuer: String) throws(BridgeError) {
        let pinned = self.store.credentials(forResource: self.resource.absoluteString).first {
            $0.clientSource == .preRegistered && $0.clientID == client.clientID && $0.issuer != issuer
        }
        guard let pinned else { return }
        // The issuers come from the server's metadata: shown cleaned of anything a terminal would act on.
        let resource = PrintableText.clean(self.resource.absoluteString)
        throw .authorization(
            "\(resource) now names the authorization server \(PrintableText.clean(issuer)), but client \(PrintableText.clean(client.clientID)) was used with \(PrintableText.clean(pinned.issuer)); its credentials are not sent to another server. If the move is expected, run `mcp-bridge logout \(resource)` and sign in again"
        )
    }

    private nonisolated func blank(_ plan: SignInPlan, clientID: String, method: String) -> StoredCredentials {
        StoredCredentials(
            issuer: plan.issuer,
            resource: self.resource.absoluteString,
            tokenEndpoint: plan.metadata.tokenEndpoint,
            registrationEndpoint: plan.metadata.registrationEndpoint,
            tokenEndpointAuthMethod: method,
            clientID: clientID,
            clientSecret: nil,
            registrationAccessToken: nil,
            registrationClientURI: nil,
            clientName: nil,
            scope: plan.scope,
            grant: plan.grant,
            clientSource: plan.clientSource
        )
    }

    /// Basic unless the server takes secrets only in the body.
    static func secretMethod(_ metadata: AuthorizationServerMetadata) -> String {
        let methods = metadata.tokenEndpointAuthMethodsSupported
        return (methods.map { !$0.contains("client_secret_basic") && $0.contains("client_secret_post") } ?? false)
            ? "client_secret_post" : "client_secret_basic"
    }

    /// How `credentials`' client proves itself at the token and revocation endpoints.
    nonisolated func clientAuthentication(for credentials: StoredCredentials) throws -> ClientAuthentication {
        let id = credentials.clientID
        if credentials.clientSource == .preRegistered, let chosen = self.signIn.preRegisteredClient,
            chosen.clientID == id
        {
            switch chosen.authentication {
            case .privateKey(let key): return .privateKeyJWT(id, key, audience: credentials.issuer)
            case .secret(let secret):
                return credentials.tokenEndpointAuthMethod == "client_secret_post"
                    ? .post(id, secret) : .basic(id, secret)
            case .none: return .none(id)
            }
        }
        switch credentials.tokenEndpointAuthMethod {
        case "none": return .none(id)
        case "client_secret_post": return .post(id, credentials.clientSecret ?? "")
        case "private_key_jwt":
            throw BridgeError.configuration(
                "client \(id) signs its requests with a private key: pass --private-key-file (and --client-id)"
            )
        default: return .basic(id, credentials.clientSecret ?? "")
        }
    }

    /// Registers by DCR: a `client_credentials` client, or a native person client with the loopback redirect URI.
    nonisolated func register(_ plan: SignInPlan, redirectURI: String?) async throws -> StoredCredentials {
        guard let endpoint = plan.metadata.registrationEndpoint else {
            throw BridgeError.authorization("the authorization server \(plan.issuer) has no registration endpoint")
        }
        let tokenAllowed = Self.sameOrigin(endpoint, self.resource)
        if self.registrationToken != nil, !tokenAllowed {
            self.logger.warning(
                "Not sending the initial access token: the registration endpoint is not on the MCP server's origin",
                metadata: ["registration_endpoint": "\(endpoint)"]
            )
        }
        let initialAccessToken = tokenAllowed ? self.registrationToken : nil
        let information: ClientInformation
        switch plan.grant {
        case .clientCredentials:
            information = try await self.oauth.register(
                at: endpoint,
                clientName: self.clientName,
                scope: plan.scope,
                authMethods: plan.metadata.tokenEndpointAuthMethodsSupported,
                initialAccessToken: initialAccessToken,
                boundTokens: self.oauth.http.settings.clientCertificate != nil
                    && plan.metadata.tlsClientCertificateBoundAccessTokens == true
            )
        case .authorizationCode, .deviceCode:
            information = try await self.oauth.registerForSignIn(
                at: endpoint,
                clientName: self.clientName,
                redirectURIs: redirectURI.map { [$0] } ?? [],
                grantTypes: plan.grant == .authorizationCode
                    ? ["authorization_code", "refresh_token"] : [SignInPlan.deviceCodeGrantType, "refresh_token"],
                scope: Self.registrationScope(plan),
                authMethods: plan.metadata.tokenEndpointAuthMethodsSupported,
                initialAccessToken: initialAccessToken
            )
        }
        let method =
            information.metadata.tokenEndpointAuthMethod
            ?? (information.clientSecret == nil ? "none" : "client_secret_basic")
        let credentials = StoredCredentials(
            issuer: plan.issuer,
            resource: self.resource.absoluteString,
            tokenEndpoint: plan.metadata.tokenEndpoint,
            registrationEndpoint: endpoint,
            tokenEndpointAuthMethod: method,
            clientID: information.clientID,
            clientSecret: information.clientSecret,
            registrationAccessToken: information.registrationAccessToken,
            registrationClientURI: information.registrationClientURI,
            clientName: self.clientName,
            scope: plan.scope,
            grant: plan.grant,
            clientSource: .registered,
            redirectURI: redirectURI
        )
        try await self.store.save(credentials)
        self.logger.notice(
            "Registered with the authorization server",
            metadata: ["client_id": "\(information.clientID)", "issuer": "\(plan.issuer)"]
        )
        return credentials
    }

    /// The scope a person's client registers for: every scope the server lists with the one asked for now, since
    /// servers cap a client's requests at its registered scope, and a later step-up must still fit.
    static func registrationScope(_ plan: SignInPlan) -> String? {
        var scopes = plan.metadata.scopesSupported ?? []
        for scope in Self.scopes(plan.scope) where !scopes.contains(scope) { scopes.append(scope) }
        return scopes.isEmpty ? nil : scopes.joined(separator: " ")
    }

    /// Whether `endpoint` is on the MCP server's own origin. The operator's initial access token is for that
    /// server: discovery that points registration elsewhere does not get it (the registration then fails and
    /// says the token is needed, instead of handing it to a host the user never named).
    static func sameOrigin(_ endpoint: String, _ server: URL) -> Bool {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return false }
        func port(_ url: URL, _ scheme: String) -> Int? {
            url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : nil)
        }
        return scheme == server.scheme?.lowercased() && host == server.host?.lowercased()
            && port(url, scheme) == port(server, scheme)
    }
}
