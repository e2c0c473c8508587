public import Hummingbird
import Logging
import MCPWire

/// Guards `/mcp`: a request needs a valid access token from this server's authorization server.
///
/// No token: 401 with `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (how clients discover
/// where to get one). A bad token: 401 `error="invalid_token"`. The per-method scope check happens after
/// the body is read, in ``MCPController``.
public struct BearerAuthMiddleware<Context: MCPRequestContext>: RouterMiddleware {
    let server: AuthorizationServer

    public init(server: AuthorizationServer) {
        self.server = server
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        // CORS preflights carry no credentials by design.
        if request.method == .options { return try await next(request, context) }
        let metadata = context.urls.protectedResourceMetadata
        guard let token = BearerToken.from(request.headers) else {
            let challenge =
                #"Bearer resource_metadata="\#(metadata)", scope="\#(OAuthScope.all.joined(separator: " "))""#
            throw OAuthHTTPError(
                .unauthorized,
                "invalid_request",
                "an access token is required",
                headers: [.wwwAuthenticate: challenge]
            )
        }
        var context = context
        do {
            guard !token.isEmpty else { throw TokenVerifier.Rejection(reason: "use the Bearer scheme") }
            let authorization = try await self.server.verifier.verify(token, urls: context.urls, now: self.server.now())
            // RFC 8705 §3: a bound token is only good over a connection with the certificate it is bound to.
            if let bound = authorization.certificateThumbprint {
                guard let der = await context.clientCertificateDER(), ClientCertificate.thumbprint(der: der) == bound
                else {
                    throw TokenVerifier.Rejection(
                        reason: "the token is bound to a client certificate this request did not present"
                    )
                }
            }
            context.authorization = authorization
        } catch let rejection as TokenVerifier.Rejection {
            AuditLog.record(
                "token.rejected",
                outcome: "refused",
                clientID: nil,
                sourceIP: context.clientIPAddress,
                detail: rejection.reason,
                logger: context.logger
            )
            let challenge =
                #"Bearer error="invalid_token", error_description="\#(rejection.reason)", resource_metadata="\#(metadata)""#
            throw OAuthHTTPError(
                .unauthorized,
                "invalid_token",
                rejection.reason,
                headers: [.wwwAuthenticate: challenge]
            )
        }
        context.logger[metadataKey: "client_id"] = "\(context.authorization!.clientID)"
        return try await next(request, context)
    }
}
