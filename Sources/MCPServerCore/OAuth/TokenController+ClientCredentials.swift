import HTTPTypes
import MCPWire

extension TokenController {
    /// `grant_type=client_credentials` (RFC 6749 §4.4): a token for the client itself (`sub` is the client), with
    /// `scope` narrowed from the registered one.
    func clientCredentials(_ request: GrantRequest) async throws -> TokenResponse {
        let client = request.client
        guard !client.isPublic else {
            throw OAuthHTTPError(
                .badRequest,
                "unauthorized_client",
                "a public client (token_endpoint_auth_method none) may use only authorization_code and refresh_token"
            )
        }
        // A metadata-document client cannot be deleted, so a token of its own could only be revoked one by one.
        guard case .registered = client.client.source else {
            throw OAuthHTTPError(
                .badRequest,
                "unauthorized_client",
                "client_credentials needs a registered client; a client known by its metadata document signs people in"
            )
        }
        try Self.requireGrant("client_credentials", of: client)
        try await self.server.enforceRateLimit(
            RateLimitKey.token(client: client.client.id),
            perMinute: self.server.configuration.tokenRequestsPerMinutePerClient,
            now: request.now
        )
        let allowed = OAuthScope.parse(client.metadata.scope ?? "")
        let scopes = try Self.requestedScopes(request, within: allowed)
        if let resource = request.form["resource"], !ResourceIndicator.names(resource, mcpURL: request.urls.resource) {
            throw OAuthHTTPError(.badRequest, "invalid_target", "resource must be \(request.urls.resource)")
        }
        let response = try await self.server.issueToken(
            clientID: client.client.id,
            scope: scopes.joined(separator: " "),
            urls: request.urls,
            certificateThumbprint: try Self.binding(request),
            now: request.now
        )
        Self.audit(request, grant: "client_credentials")
        return response
    }

    /// The `scope` parameter, each scope within `allowed` (`invalid_scope` otherwise); `allowed` when absent.
    static func requestedScopes(_ request: GrantRequest, within allowed: [String]) throws -> [String] {
        guard let requested = request.form["scope"] else { return allowed }
        let scopes = OAuthScope.parse(requested)
        guard !scopes.isEmpty else {
            throw OAuthHTTPError(.badRequest, "invalid_scope", "scope must not be empty")
        }
        for scope in scopes where !allowed.contains(scope) {
            throw OAuthHTTPError(.badRequest, "invalid_scope", "scope '\(scope)' was not granted to this client")
        }
        return scopes
    }
}
