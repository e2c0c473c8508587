public import Hummingbird
import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /token` (RFC 6749 §3.2): the authorization code grant with PKCE (§4.1, RFC 7636), refresh tokens that rotate
/// on every use (§6, RFC 9700 §4.14), and client credentials (§4.4), with RFC 8707 `resource`.
///
/// Clients authenticate as ``ClientAuthentication`` says. Public clients (`none`) may use only the authorization code
/// and refresh token grants; their codes are always bound to a PKCE challenge.
public struct TokenController: Sendable {
    let server: AuthorizationServer

    public init(server: AuthorizationServer) {
        self.server = server
    }

    public func addRoutes<Context: MCPRequestContext>(to group: RouterGroup<Context>) {
        group.post(use: self.token)
    }

    /// One token request, once its client is authenticated.
    struct GrantRequest {
        let client: ClientAuthentication.Authenticated
        let form: [String: String]
        let certificate: [UInt8]?
        let urls: ServerURLs
        let ip: String?
        let logger: Logger
        let now: Date
    }

    @Sendable func token(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        var request = request
        let ip = context.clientIPAddress
        var clientID: String?
        do {
            let form = try await OAuthForm.read(&request)
            clientID = ClientAuthentication.auditableID(ClientAuthentication.namedID(request.headers, form))
            let certificate = await context.clientCertificateDER()
            let now = self.server.now()
            let client = try await ClientAuthentication(server: self.server).authenticate(
                headers: request.headers,
                form: form,
                certificate: certificate,
                urls: context.urls,
                now: now
            )
            guard let grant = form["grant_type"] else { throw OAuthHTTPError.invalidRequest("grant_type is required") }
            let grantRequest = GrantRequest(
                client: client,
                form: form,
                certificate: certificate,
                urls: context.urls,
                ip: ip,
                logger: context.logger,
                now: now
            )
            let response: TokenResponse
            switch grant {
            case "authorization_code": response = try await self.authorizationCode(grantRequest)
            case "refresh_token": response = try await self.refreshToken(grantRequest)
            case "client_credentials": response = try await self.clientCredentials(grantRequest)
            default:
                throw OAuthHTTPError(
                    .badRequest,
                    "unsupported_grant_type",
                    "this server supports authorization_code, refresh_token and client_credentials"
                )
            }
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
                // Bounded: a description may quote what the request sent.
                detail: error.detail.map { String($0.prefix(200)) },
                logger: context.logger
            )
            throw error
        }
    }

    /// Refuses a grant the client did not register (`grant_types`).
    static func requireGrant(_ grant: String, of client: ClientAuthentication.Authenticated) throws {
        guard client.metadata.grantTypes?.contains(grant) ?? false else {
            throw OAuthHTTPError(.badRequest, "unauthorized_client", "this client may not use \(grant)")
        }
    }

    /// The certificate a token is bound to: always the one a certificate-authenticated client used, and the
    /// presented one for clients that registered `tls_client_certificate_bound_access_tokens`.
    static func binding(_ request: GrantRequest) throws -> String? {
        guard
            request.client.method.usesCertificate
                || request.client.metadata.tlsClientCertificateBoundAccessTokens == true
        else { return nil }
        guard let certificate = request.certificate else {
            throw OAuthHTTPError.invalidRequest(
                "this client's tokens are bound to its TLS client certificate; connect with it"
            )
        }
        return ClientCertificate.thumbprint(der: certificate)
    }

    /// `resource`, when sent, must name `granted` (RFC 8707 §2.2), and what was granted must be this request's MCP
    /// endpoint.
    static func checkResource(_ request: GrantRequest, granted: String) throws {
        if let resource = request.form["resource"], !ResourceIndicator.names(resource, mcpURL: granted) {
            throw OAuthHTTPError(.badRequest, "invalid_target", "resource must be \(granted)")
        }
        guard ResourceIndicator.names(granted, mcpURL: request.urls.resource) else {
            throw OAuthHTTPError(.badRequest, "invalid_grant", "the grant is for another resource (\(granted))")
        }
    }

    /// A successful grant's audit line.
    static func audit(_ request: GrantRequest, grant: String, person: String? = nil, family: String? = nil) {
        var detail = "grant_type=\(grant)"
        if let person { detail += " person=\(person)" }
        if let family { detail += " family=\(family)" }
        AuditLog.record(
            "token.issued",
            outcome: "success",
            clientID: request.client.client.id,
            sourceIP: request.ip,
            detail: detail,
            logger: request.logger
        )
    }

    /// 400 `invalid_grant` (RFC 6749 §5.2).
    static func invalidGrant(_ detail: String) -> OAuthHTTPError {
        OAuthHTTPError(.badRequest, "invalid_grant", detail)
    }
}
