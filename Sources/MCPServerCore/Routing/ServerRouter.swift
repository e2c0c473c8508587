public import Hummingbird

/// What the router needs, whichever host serves it.
public struct ServerDependencies: Sendable {
    public var dispatcher: MCPDispatcher
    public var store: any ServerStore
    public var originPolicy: OriginPolicy
    public var maxBodyBytes: Int

    public init(dispatcher: MCPDispatcher, store: any ServerStore, originPolicy: OriginPolicy, maxBodyBytes: Int) {
        self.dispatcher = dispatcher
        self.store = store
        self.originPolicy = originPolicy
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Builds the one router that both hosts (the local HTTP server and the Lambda adapter) serve.
///
/// ```swift
/// let router = buildRouter(context: LocalRequestContext.self, dependencies: dependencies)
/// let app = Application(router: router)
/// ```
public func buildRouter<Context: MCPRequestContext>(
    context: Context.Type,
    dependencies: ServerDependencies
) -> Router<Context> {
    let router = Router(context: Context.self)
    router.addMiddleware {
        RequestLogMiddleware<Context>()
    }
    router.get("/healthz") { _, _ -> HTTPResponse.Status in .ok }
    MCPController(
        dispatcher: dependencies.dispatcher,
        originPolicy: dependencies.originPolicy,
        maxBodyBytes: dependencies.maxBodyBytes
    )
    .addRoutes(to: router.group(RouterPath(ServerPaths.mcp)))
    return router
}

/// The paths the server answers on, relative to its public base URL.
public enum ServerPaths {
    /// The MCP endpoint.
    public static let mcp = "/mcp"
}
