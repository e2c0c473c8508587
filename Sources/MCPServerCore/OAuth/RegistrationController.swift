public import Hummingbird
import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
            let metadata = try ClientMetadataValidator.validate(json, mutualTLS: self.server.configuration.mutualTLS)
            // The policy depends on what the client could do: checked after validation, and every attempt was
            // counted above, so guesses at the initial access token stay limited.
            try self.checkPolicy(request, for: metadata)
            let information = try await self.server.registry.register(metadata, urls: context.urls, now: Date())
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

    /// `true` when the client can get tokens only for a person who signs in and consents.
    static func signsPeopleInOnly(_ metadata: ClientMetadata) -> Bool {
        let grants = metadata.grantTypes ?? []
        return !grants.isEmpty && grants.allSatisfy { $0 == "authorization_code" || $0 == "refresh_token" }
    }

    private func checkPolicy(_ request: Request, for metadata: ClientMetadata) throws {
        let configuration = self.server.configuration
        let policy =
            Self.signsPeopleInOnly(metadata) ? configuration.signInRegistration : configuration.registration
        switch policy {
        case .open:
            return
        case .closed:
            throw OAuthHTTPError(
                .forbidden,
                "access_denied",
                Self.signsPeopleInOnly(metadata)
                    ? "registration is closed; ask the operator for a client"
                    : "registration of clients that get tokens without a person (client_credentials) is closed; "
                        + "ask the operator for a client"
            )
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
