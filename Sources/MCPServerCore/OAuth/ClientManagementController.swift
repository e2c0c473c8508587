public import Hummingbird
import Logging
import MCPWire

/// `GET`, `PUT` and `DELETE` on `/clients/{client_id}`: RFC 7592 client management, authenticated by the
/// client's registration access token. Every failure to authenticate is the same 401, so nobody can learn
/// whether a client id exists.
public struct ClientManagementController: Sendable {
    let server: AuthorizationServer

    public init(server: AuthorizationServer) {
        self.server = server
    }

    public func addRoutes<Context: MCPRequestContext>(to group: RouterGroup<Context>) {
        group.get(":clientID", use: self.read)
        group.put(":clientID", use: self.replace)
        group.delete(":clientID", use: self.delete)
    }

    @Sendable func read(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        let (client, token) = try await self.authenticate(request, context: context)
        return OAuthHTTPError.response(
            .ok,
            try self.server.registry.information(client, registrationToken: token, urls: context.urls)
        )
    }

    @Sendable func replace(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        var request = request
        let (client, token) = try await self.authenticate(request, context: context)
        guard MediaTypes.isJSON(request.headers[.contentType]) else {
            throw OAuthHTTPError.invalidClientMetadata("Content-Type must be application/json")
        }
        let body = try await request.collectBody(
            limit: RegistrationController.maxBodyBytes,
            tooLarge: OAuthHTTPError(.contentTooLarge, "invalid_client_metadata", "the body exceeds 64 KiB")
        )
        guard let json = try? JSONValue(parsing: body) else {
            throw OAuthHTTPError.invalidClientMetadata("the body is not valid JSON")
        }
        let information = try await self.server.registry.replace(
            client,
            with: json,
            registrationToken: token,
            urls: context.urls
        )
        AuditLog.record(
            "client.updated",
            outcome: "success",
            clientID: client.id,
            sourceIP: context.clientIPAddress,
            logger: context.logger
        )
        return OAuthHTTPError.response(.ok, information)
    }

    @Sendable func delete(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        let (client, _) = try await self.authenticate(request, context: context)
        _ = try await self.server.store.deleteClient(id: client.id)
        self.server.verifier.clientRemoved(client.id)
        AuditLog.record(
            "client.deleted",
            outcome: "success",
            clientID: client.id,
            sourceIP: context.clientIPAddress,
            logger: context.logger
        )
        var response = Response(status: .noContent)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func authenticate(
        _ request: Request,
        context: some MCPRequestContext
    ) async throws -> (StoredClient, String) {
        let id = context.parameters.get("clientID") ?? ""
        guard let token = BearerToken.from(request.headers), !token.isEmpty,
            let client = try await self.server.registry.authenticate(id: id, registrationToken: token)
        else {
            AuditLog.record(
                "client.management",
                outcome: "refused",
                clientID: nil,
                sourceIP: context.clientIPAddress,
                logger: context.logger
            )
            throw OAuthHTTPError(
                .unauthorized,
                "invalid_token",
                "a valid registration access token for this client is required",
                headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#]
            )
        }
        return (client, token)
    }
}
