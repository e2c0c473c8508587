public import Hummingbird
public import NIOCore

/// What every route needs from a request context, whichever host runs the router.
///
/// ``LocalRequestContext`` serves the Hummingbird server; the Lambda adapter brings its own. Routes are
/// written against this protocol, so one router serves both.
public protocol MCPRequestContext: RequestContext {
    /// The peer's IP address, for rate limits and audit lines; `nil` when unknown.
    var clientIPAddress: String? { get }
    /// What the verified bearer token allows; set by ``BearerAuthMiddleware``, `nil` with `--auth none`.
    var authorization: MCPAuthorization? { get set }
}

/// Request context of the local HTTP server.
public struct LocalRequestContext: MCPRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var authorization: MCPAuthorization?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.authorization = nil
    }

    public var clientIPAddress: String? { self.remoteAddress?.ipAddress }
}
