public import Hummingbird
public import Logging
public import MCPServerCore

/// What the Lambda host knows about a request before routing: the invocation's logger and the caller's address.
public struct LambdaRequestContextSource: RequestContextSource {
    public var logger: Logger
    /// `sourceIp` from the event's request context.
    public var sourceIP: String?

    public init(logger: Logger, sourceIP: String?) {
        self.logger = logger
        self.sourceIP = sourceIP
    }
}

/// Request context of the Lambda host; the same routes run on it as on ``LocalRequestContext``.
public struct LambdaRequestContext: MCPRequestContext {
    public typealias Source = LambdaRequestContextSource

    public var coreContext: CoreRequestContextStorage
    public let clientIPAddress: String?
    public var authorization: MCPAuthorization?

    public init(source: LambdaRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientIPAddress = source.sourceIP
        self.authorization = nil
    }
}
