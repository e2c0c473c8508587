public import Hummingbird
import Logging
import MCPWire

/// Refuses `/mcp` requests whose `Origin` is present and not allowed, with 403 (MCP transport rules,
/// DNS-rebinding protection). It runs before authentication, so a foreign page gets 403 whether or not
/// it has a token. CORS preflights are left to ``CORSMiddleware``.
public struct OriginGuardMiddleware<Context: MCPRequestContext>: RouterMiddleware {
    let policy: OriginPolicy

    public init(policy: OriginPolicy) {
        self.policy = policy
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard
            request.method == .options || self.policy.permits(request.headers[.origin], ownOrigin: context.urls.origin)
        else {
            context.logger.notice(
                "Refused MCP request from a foreign origin",
                metadata: ["http.origin": "\(request.headers[.origin] ?? "")"]
            )
            return MCPController.error(.forbidden, .invalidRequest("origin not allowed"))
        }
        return try await next(request, context)
    }
}
