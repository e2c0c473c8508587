public import Hummingbird
public import MCPWire

/// What the router needs, whichever host serves it.
public struct ServerDependencies: Sendable {
    public var dispatcher: MCPDispatcher
    public var store: any ServerStore
    public var originPolicy: OriginPolicy
    public var maxBodyBytes: Int
    /// Where each request's ``ServerURLs`` come from; a configured base URL's path prefix decides where routes
    /// live.
    public var baseURL: BaseURLSource
    /// Proxies whose forwarded-address headers are believed.
    public var trustedProxies: TrustedProxies
    /// When not empty, only callers in these blocks are served (`--allow-ip`).
    public var allowedNetworks: [IPNetwork]
    /// Which requests get an access-log line.
    public var accessLog: AccessLogPolicy
    /// The OAuth authorization server guarding `/mcp`; `nil` runs without authentication (`--auth none`).
    public var authorizationServer: AuthorizationServer?

    public init(
        dispatcher: MCPDispatcher,
        store: any ServerStore,
        originPolicy: OriginPolicy,
        maxBodyBytes: Int,
        baseURL: BaseURLSource,
        trustedProxies: TrustedProxies = .none,
        allowedNetworks: [IPNetwork] = [],
        accessLog: AccessLogPolicy = .default,
        authorizationServer: AuthorizationServer?
    ) {
        self.dispatcher = dispatcher
        self.store = store
        self.originPolicy = originPolicy
        self.maxBodyBytes = maxBodyBytes
        self.baseURL = baseURL
        self.trustedProxies = trustedProxies
        self.allowedNetworks = allowedNetworks
        self.accessLog = accessLog
        self.authorizationServer = authorizationServer
    }

    /// The dependencies `configuration` describes (allowed origins, body limit, proxies, allowed addresses), as
    /// both hosts build them.
    public init(
        configuration: ServerConfiguration,
        dispatcher: MCPDispatcher,
        store: any ServerStore,
        baseURL: BaseURLSource,
        authorizationServer: AuthorizationServer?
    ) {
        self.init(
            dispatcher: dispatcher,
            store: store,
            originPolicy: OriginPolicy(allowedOrigins: configuration.effectiveAllowedOrigins),
            maxBodyBytes: configuration.maxBodyBytes,
            baseURL: baseURL,
            trustedProxies: TrustedProxies(configuration.trustedProxies),
            allowedNetworks: configuration.allowedNetworks,
            accessLog: configuration.accessLog,
            authorizationServer: authorizationServer
        )
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
    let auth = dependencies.authorizationServer
    let prefix = dependencies.baseURL.pathPrefix
    router.addMiddleware {
        RequestFactsMiddleware<Context>(baseURL: dependencies.baseURL, trustedProxies: dependencies.trustedProxies)
        RequestLogMiddleware<Context>(policy: dependencies.accessLog)
        IPAllowListMiddleware<Context>(networks: dependencies.allowedNetworks)
        CORSMiddleware<Context>(policy: dependencies.originPolicy) { path in
            path.contains("/.well-known/") || path.hasSuffix("/jwks.json")
        }
    }

    router.get("/healthz") { _, _ -> HTTPResponse.Status in .ok }
    // Served at the root and under the public URL's path prefix, so the server works whether or not the
    // proxy in front of it (an API Gateway stage, a reverse proxy) strips the prefix.
    for base in Set(["", prefix]) {
        let mcp = router.group(RouterPath(base + ServerPaths.mcp))
        mcp.add(middleware: OriginGuardMiddleware<Context>(policy: dependencies.originPolicy))
        if let auth { mcp.add(middleware: BearerAuthMiddleware<Context>(server: auth)) }
        MCPController(
            dispatcher: dependencies.dispatcher,
            maxBodyBytes: dependencies.maxBodyBytes,
            challengesPointToMetadata: auth != nil
        )
        .addRoutes(to: mcp)
        if let auth {
            RegistrationController(server: auth).addRoutes(
                to: router.group(RouterPath(base + ServerPaths.registration))
            )
            RegistrationController(server: auth).addRoutes(
                to: router.group(RouterPath(base + ServerPaths.legacyRegistration))
            )
            ClientManagementController(server: auth).addRoutes(to: router.group(RouterPath(base + ServerPaths.clients)))
            TokenController(server: auth).addRoutes(to: router.group(RouterPath(base + ServerPaths.token)))
            RevocationController(server: auth).addRoutes(to: router.group(RouterPath(base + ServerPaths.revocation)))
            SignInRoutes.add(to: router, base: base, server: auth)
        }
    }
    if let auth {
        DiscoveryController(server: auth).addRoutes(to: router, pathPrefix: prefix)
        // A removed client keeps nothing open: its listen streams and waiting questions end with it.
        let dispatcher = dependencies.dispatcher
        auth.verifier.whenClientRemoved { dispatcher.clientRemoved($0) }
    }
    return router
}

/// The paths the server answers on, relative to its public base URL.
public enum ServerPaths {
    /// The MCP endpoint.
    public static let mcp = "/mcp"
    /// RFC 7591 registration.
    public static let registration = "/dcr"
    /// Where clients of the 2025-03-26 authorization spec look for registration.
    public static let legacyRegistration = "/register"
    /// RFC 7592 client configuration endpoints live below this.
    public static let clients = "/clients"
    /// The token endpoint.
    public static let token = "/token"
    /// RFC 7009 token revocation.
    public static let revocation = "/revoke"
}
