public import Hummingbird
public import Logging
public import MCPServerCore

/// What the Lambda host knows about a request before routing: the invocation's logger, the caller's address and
/// the URLs the event was addressed to.
public struct LambdaRequestContextSource: RequestContextSource {
    public var logger: Logger
    /// `sourceIp` from the event's request context.
    public var sourceIP: String?
    /// From the event's domain and stage; a configured public URL replaces them in the router.
    public var urls: ServerURLs
    /// The client certificate API Gateway's mutual TLS verified (DER), when the custom domain asks for one.
    public var clientCertificateDER: [UInt8]?

    public init(logger: Logger, sourceIP: String?, urls: ServerURLs, clientCertificateDER: [UInt8]? = nil) {
        self.logger = logger
        self.sourceIP = sourceIP
        self.urls = urls
        self.clientCertificateDER = clientCertificateDER
    }
}

/// Request context of the Lambda host; the same routes run on it as on ``LocalRequestContext``.
public struct LambdaRequestContext: MCPRequestContext {
    public typealias Source = LambdaRequestContextSource

    public var coreContext: CoreRequestContextStorage
    public let peerIPAddress: String?
    public var clientIPAddress: String?
    public var urls: ServerURLs
    public var authorization: MCPAuthorization?
    /// Lambda has no socket of its own.
    public var localPort: Int? { nil }
    private let certificate: [UInt8]?

    public init(source: LambdaRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerIPAddress = source.sourceIP
        self.clientIPAddress = source.sourceIP
        self.urls = source.urls
        self.certificate = source.clientCertificateDER
        self.authorization = nil
    }

    public func clientCertificateDER() async -> [UInt8]? { self.certificate }

    /// Nothing to close: the response is collected whole and sent to the Runtime API, and this host never streams.
    public func closeConnection() {}
}
