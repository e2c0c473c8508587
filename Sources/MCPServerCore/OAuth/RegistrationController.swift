public import Hummingbird
import Logging
import MCPWire

/// `POST /dcr` (and `POST /register`): OAuth 2.0 Dynamic Client Registration (RFC 7591).
public struct RegistrationController: Sendable {
    let server: AuthorizationServer
    static let maxBodyBytes = 64 * 1024

    public init(server: AuthorizationServer) {
        self.server = server
    }

    public func addRoutes<Context: MCPRequestContext>(to group: RouterGroup<Context>) {
        group.post(use: self.register)
    }

    @Sendable func register(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        var request = request
        let ip = context.clientIPAddress
        do {
            // Counted before the policy check, so guesses at the initial access token are limited too.
            try await self.server.enforceRateLimit(
                RateLimitKey.registration(ip: ip),
                perMinute: self.server.configuration.registrationsPerMinutePerIP
            )
            try self.checkPolicy(request)
            guard MediaTypes.isJSON(request.headers[.contentType]) else {
                throw OAuthHTTPError.invalidClientMetadata("Content-Type must be application/json")
            }
            let body = try await request.collectBody(
                limit: Self.maxBodyBytes,
                tooLarge: OAuthHTTPError(.contentTooLarge, "invalid_client_metadata", "the body exceeds 64 KiB")
            )
            let json: JSONValue
            do {
                json = try JSONValue(parsing: body)
            } catch {
                throw OAuthHTTPError.invalidClientMetadata("the body is not valid JSON: \(error.reason)")
            }
            let information = try await self.server.registry.register(json, urls: context.urls)
            AuditLog.record(
                "client.registered",
                outcome: "success",
                clientID: information.clientID,
                sourceIP: ip,
                logger: context.logger
            )
            return OAuthHTTPError.response(.created, information)
        } catch let error as OAuthHTTPError {
            AuditLog.record(
                "client.registered",
                outcome: "refused",
                clientID: nil,
                sourceIP: ip,
                detail: error.code,
                logger: context.logger
            )
            throw error
        }
    }

    private func checkPolicy(_ request: Request) throws {
        switch self.server.configuration.registration {
        case .open:
            return
        case .closed:
            throw OAuthHTTPError(.forbidden, "access_denied", "registration is closed; ask the operator for a client")
        case .token:
            guard let token = BearerToken.from(request.headers), !token.isEmpty,
                let expected = self.server.configuration.initialAccessTokenHash,
                SecretToken.matches(token, storedHash: expected)
            else {
                throw OAuthHTTPError(
                    .unauthorized,
                    "invalid_token",
                    "registration needs the operator's initial access token as a Bearer token",
                    headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#]
                )
            }
        }
    }
}
