public import Hummingbird
import NIOConcurrencyHelpers

/// First on every route: fills in the request's facts that come from the host's configuration, namely its
/// ``ServerURLs`` (``BaseURLSource``) and the caller's address (``TrustedProxies``), so everything after it
/// reads them from the context.
public struct RequestFactsMiddleware<Context: MCPRequestContext>: RouterMiddleware {
    let baseURL: BaseURLSource
    let trustedProxies: TrustedProxies
    /// The URLs per local port, built once: a socket host has one port, and building URLs on every request would
    /// cost string work on the hottest path.
    private let built = NIOLockedValueBox<[Int: ServerURLs]>([:])
    private let fixed: ServerURLs?

    public init(baseURL: BaseURLSource, trustedProxies: TrustedProxies) {
        self.baseURL = baseURL
        self.trustedProxies = trustedProxies
        if case .fixed = baseURL { self.fixed = baseURL.urls(boundPort: nil) } else { self.fixed = nil }
    }

    private func urls(port: Int?) -> ServerURLs? {
        if let fixed = self.fixed { return fixed }
        guard let port, case .boundAddress = self.baseURL else { return nil }
        return self.built.withLockedValue { built in
            if let urls = built[port] { return urls }
            let urls = self.baseURL.urls(boundPort: port)
            if built.count < 16 { built[port] = urls }
            return urls
        }
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var context = context
        if let urls = self.urls(port: context.localPort) { context.urls = urls }
        // Without trusted proxies the context's own address (the peer) stands.
        if !self.trustedProxies.networks.isEmpty {
            context.clientIPAddress = self.trustedProxies.clientAddress(
                peer: context.peerIPAddress,
                headers: request.headers
            )
        }
        return try await next(request, context)
    }
}
