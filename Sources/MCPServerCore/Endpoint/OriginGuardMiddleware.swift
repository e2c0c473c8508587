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
                // Capped and stripped of control characters: it is the caller's text, and text logs do not escape.
                metadata: [
                    "http.origin": "\(Self.loggable(request.headers[.origin] ?? ""))"
                ]
            )
            return MCPController.error(.forbidden, .invalidRequest("origin not allowed"))
        }
        return try await next(request, context)
    }

    /// At most 200 characters of `text`, without control characters.
    static func loggable(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200))
        return String(scalars)
    }
}
