public import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A person's sign-in: registering a native client (RFC 7591 with OpenID Connect's `application_type`),
/// exchanging the authorization code (RFC 6749 §4.1.3 with RFC 7636's verifier), refreshing (RFC 6749 §6) and
/// revoking (RFC 7009). Every token request names the resource (RFC 8707).
extension OAuthClient {
    /// The grant type of the device authorization grant (RFC 8628 §3.4).
    public static let deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code"

    /// The grant types of a browser sign-in client: the authorization code, and refresh tokens.
    public static let browserSignInGrantTypes = ["authorization_code", "refresh_token"]

    /// Registers a client for a person's sign-in by DCR: a native application (`application_type: native`) with
    /// `redirectURIs` (the loopback callback; none for a device-only client) and `grantTypes` (for example
    /// ``browserSignInGrantTypes``, plus ``deviceCodeGrantType`` for device sign-in), `response_types: ["code"]`
    /// when the authorization code grant is among them, and the authentication ``signInAuthMethod(supported:)``
    /// picks from the server's `token_endpoint_auth_methods_supported`.
    ///
    /// - Throws: ``BridgeError/authorization(_:)`` when the server refuses, saying whether it was the redirect URI
    ///   (`invalid_redirect_uri`) or the initial access token.
    public func registerForSignIn(
        at endpoint: String,
        clientName: String,
        redirectURIs: [String],
        grantTypes: [String] = OAuthClient.browserSignInGrantTypes,
        scope: String?,
        authMethods: [String]?,
        initialAccessToken: InitialAccessToken? = nil
    ) async throws -> ClientInformation {
        var metadata = ClientMetadata()
        metadata.clientName = clientName
        metadata.redirectURIs = redirectURIs.isEmpty ? nil : redirectURIs
        metadata.grantTypes = grantTypes
        metadata.responseTypes = grantTypes.contains("authorization_code") ? ["code"] : []
        metadata.tokenEndpointAuthMethod = Self.signInAuthMethod(supported: authMethods)
        metadata.scope = scope.flatMap { $0.isEmpty ? nil : $0 }
        return try await self.register(metadata, at: endpoint, initialAccessToken: initialAccessToken)
    }

    /// The `token_endpoint_auth_method` a sign-in client registers with: `none` (a public client: a secret on a
    /// person's machine protects nothing PKCE does not) when the server lists it or lists nothing, else
    /// `client_secret_basic`, or `client_secret_post` when that is all the server takes.
    public static func signInAuthMethod(supported: [String]?) -> String {
        guard let supported, !supported.isEmpty, !supported.contains("none") else { return "none" }
        if !supported.contains("client_secret_basic"), supported.contains("client_secret_post") {
            return "client_secret_post"
        }
        return "client_secret_basic"
    }

    /// Exchanges the authorization `code` of `request` for tokens (RFC 6749 §4.1.3): with the redirect URI and
    /// PKCE verifier of that request, and its resource.
    ///
    /// - Returns: ``TokenOutcome/invalidGrant(_:)`` when the code is expired, used or not this client's (a new
    ///   sign-in is needed), ``TokenOutcome/invalidClient`` when the server no longer knows the client.
    public func exchangeCode(
        _ code: String,
        request: AuthorizationRequest,
        tokenEndpoint: String,
        client: ClientAuthentication
    ) async throws -> TokenOutcome {
        guard client.clientID == request.clientID else {
            throw BridgeError.configuration(
                "the code was issued to client \(request.clientID), not \(client.clientID); sign in again"
            )
        }
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", request.redirectURI),
            ("code_verifier", request.codeVerifier),
            ("resource", request.resource),
        ]
        return try await self.requestToken(at: tokenEndpoint, form: form, client: client)
    }

    /// Uses `refreshToken` for new tokens (RFC 6749 §6). Servers that rotate refresh tokens (OAuth 2.1 requires it
    /// for public clients) return a new one, and the old one stops working: store the new one before anything
    /// else can use the old.
    ///
    /// - Parameter scope: the scopes to ask for, at most those granted; `nil` for the same as before.
    /// - Returns: ``TokenOutcome/invalidGrant(_:)`` when the refresh token is expired, revoked or already used.
    public func refresh(
        refreshToken: String,
        tokenEndpoint: String,
        resource: String,
        scope: String?,
        client: ClientAuthentication
    ) async throws -> TokenOutcome {
        var form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("resource", resource)]
        if let scope, !scope.isEmpty { form.append(("scope", scope)) }
        return try await self.requestToken(at: tokenEndpoint, form: form, client: client)
    }

    /// Revokes `token` at the server's revocation endpoint (RFC 7009 §2.1), authenticating as at the token
    /// endpoint. `hint` is `refresh_token` or `access_token` (RFC 7009 §2.1 `token_type_hint`). Returns the HTTP
    /// status: 200 means revoked, or unknown to the server, which comes to the same.
    public func revoke(
        token: String,
        hint: String,
        endpoint: String,
        client: ClientAuthentication
    ) async throws -> Int {
        let form = [("token", token), ("token_type_hint", hint)]
        return try await self.postForm(form, to: endpoint, client: client, purpose: "revocation endpoint").status
    }

    /// Who signed in, for display only (never verified): from the ID token when there is one, else from the
    /// access token when it is a JWT. See ``UnverifiedClaims/displayName(of:)``.
    public static func accountName(idToken: String?, accessToken: String) -> String? {
        idToken.flatMap(UnverifiedClaims.displayName(of:)) ?? UnverifiedClaims.displayName(of: accessToken)
    }
}
