public import Hummingbird
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// CORS for browser clients such as MCP Inspector: answers preflights and marks responses, for the
/// origins the ``OriginPolicy`` allows. Discovery documents and keys are public and allow any origin.
public struct CORSMiddleware<Context: MCPRequestContext>: RouterMiddleware {
    let policy: OriginPolicy
    let publicPaths: @Sendable (String) -> Bool

    public init(policy: OriginPolicy, publicPaths: @escaping @Sendable (String) -> Bool) {
        self.policy = policy
        self.publicPaths = publicPaths
    }

    static var allowedHeaders: String {
        "Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Mcp-Name, Last-Event-ID"
    }
    static var exposedHeaders: String { "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version, Retry-After" }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let isPublic = self.publicPaths(request.uri.path)
        let allowed = isPublic || self.policy.permits(origin, ownOrigin: context.urls.origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else { return Response(status: .forbidden) }
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = isPublic ? "*" : origin
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, DELETE, OPTIONS"
            // Mirrored tool arguments (Mcp-Param-*) have open-ended names: echo the ones asked for.
            let requested = (request.headers[.accessControlRequestHeaders] ?? "").split(separator: ",")
                .map { $0.trimmingOWS() }.filter { $0.lowercased().hasPrefix("mcp-param-") }
            response.headers[.accessControlAllowHeaders] = ([Self.allowedHeaders] + requested).joined(separator: ", ")
            response.headers[.accessControlMaxAge] = "600"
            response.headers[.vary] = "Origin"
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if allowed {
            response.headers[.accessControlAllowOrigin] = isPublic ? "*" : origin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
