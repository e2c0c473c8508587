public import Hummingbird
public import NIOCore
import NIOSSL

/// What every route needs from a request context, whichever host runs the router.
///
/// ``LocalRequestContext`` serves the Hummingbird server; the Lambda adapter brings its own. Routes are
/// written against this protocol, so one router serves both.
public protocol MCPRequestContext: RequestContext {
    /// The address that sent the request (the TCP peer, or API Gateway's `sourceIp`); `nil` when unknown.
    /// Rate limits and audit lines use ``clientIPAddress``, which honours trusted proxies.
    var peerIPAddress: String? { get }
    /// The caller's IP address as rate limits and audit lines see it; set by ``ClientAddressMiddleware`` from
    /// ``peerIPAddress`` and, only when the peer is a trusted proxy, `X-Forwarded-For` / `Forwarded`.
    var clientIPAddress: String? { get set }
    /// The local port the request arrived on, for hosts that listen on a socket; `nil` on Lambda.
    var localPort: Int? { get }
    /// The URLs this request is answered with (issuer, audience, metadata, challenges); set per request.
    var urls: ServerURLs { get set }
    /// What the verified bearer token allows; set by ``BearerAuthMiddleware``, `nil` with `--auth none`.
    var authorization: MCPAuthorization? { get set }
    /// The DER of the TLS client certificate the caller presented (RFC 8705), or `nil`. Asked for only where it
    /// matters (`/token`, certificate-bound tokens), so other requests never pay for it.
    func clientCertificateDER() async -> [UInt8]?
    /// Closes the connection the request arrived on. A response write waiting on a client that stopped reading can
    /// only end with the connection (a handler is not cancelled then), so an event stream past its write deadline
    /// calls this; a host without a connection of its own does nothing.
    func closeConnection()
}

/// Request context of the local HTTP server.
public struct LocalRequestContext: MCPRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let localPort: Int?
    public var clientIPAddress: String?
    public var urls: ServerURLs
    public var authorization: MCPAuthorization?
    /// The connection, for its TLS client certificate.
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.remoteAddress = source.channel.remoteAddress
        let local = source.channel.localAddress
        self.localPort = local?.port
        self.clientIPAddress = self.remoteAddress?.ipAddress
        // Replaced by the router's first middleware (RequestFactsMiddleware) with the public URL or the configured
        // host and this port; not built here, where every request would pay for it twice.
        self.urls = ServerURLs.unresolved
        self.authorization = nil
    }

    public var peerIPAddress: String? { self.remoteAddress?.ipAddress }

    public func clientCertificateDER() async -> [UInt8]? {
        // No TLS handler (plain HTTP) fails the lookup: no certificate.
        guard let certificate = try? await self.channel.nioSSL_peerCertificate().get() else { return nil }
        return try? certificate.toDERBytes()
    }

    public func closeConnection() {
        // A pending write then fails, which ends the response's body writing.
        self.channel.close(promise: nil)
    }
}
