public import Hummingbird
import Logging
public import MCPWire

/// `--allow-ip`: only callers whose address (after ``TrustedProxies``) is in one of these blocks get past
/// this point; everybody else gets 403 before any route, token check or store access. No blocks: everybody.
public struct IPAllowListMiddleware<Context: MCPRequestContext>: RouterMiddleware {
    let networks: [IPNetwork]

    public init(networks: [IPNetwork]) {
        self.networks = networks
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard !self.networks.isEmpty else { return try await next(request, context) }
        guard let text = context.clientIPAddress, let address = IPAddress(text),
            self.networks.contains(where: { $0.contains(address) })
        else {
            context.logger.notice("Refused a caller outside the allowed addresses")
            throw OAuthHTTPError(.forbidden, "access_denied", "this address may not use the server")
        }
        return try await next(request, context)
    }
}
