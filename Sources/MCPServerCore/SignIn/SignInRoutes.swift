public import Hummingbird

/// The routes of the browser side of the authorization code flow, relative to the public base URL (the same
/// paths as ``ServerURLs/authorization``, ``ServerURLs/signIn``, ``ServerURLs/consent`` and
/// ``ServerURLs/upstreamCallback``).
public enum SignInRoutes {
    public static let authorization = "/authorize"
    public static let signIn = "/authorize/sign-in"
    public static let consent = "/authorize/consent"
    public static let upstreamCallback = "/oidc/callback"

    /// Adds the four routes under `base` (`""` or the public URL's path prefix).
    public static func add<Context: MCPRequestContext>(
        to router: Router<Context>,
        base: String,
        server: AuthorizationServer
    ) {
        let flow = SignInFlow(server: server)
        router.get(RouterPath(base + Self.authorization), use: AuthorizeController(flow: flow).authorize)
        router.post(RouterPath(base + Self.signIn), use: SignInFormController(flow: flow).signIn)
        router.post(RouterPath(base + Self.consent), use: ConsentController(flow: flow).consent)
        router.get(RouterPath(base + Self.upstreamCallback), use: UpstreamCallbackController(flow: flow).callback)
    }
}
