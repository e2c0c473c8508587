public import Hummingbird

/// First on every route: fills in the request's facts that come from the host's configuration, namely its
/// ``ServerURLs`` (``BaseURLSource``) and the caller's address (``TrustedProxies``), so everything after it
/// reads them from the context.
public struct RequestFactsMiddleware<Context: MCPRequestContext>: RouterMiddleware {
    let baseURL: BaseURLSource
    let trustedProxies: TrustedProxies

    public init(baseURL: BaseURLSource, trustedProxies: TrustedProxies) {
        self.baseURL = baseURL
        self.trustedProxies = trustedProxies
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var context = context
        if let urls = self.baseURL.urls(boundPort: context.localPort) { context.urls = urls }
        context.clientIPAddress = self.trustedProxies.clientAddress(
            peer: context.peerIPAddress,
            headers: request.headers
        )
        return try await next(request, context)
    }
}
