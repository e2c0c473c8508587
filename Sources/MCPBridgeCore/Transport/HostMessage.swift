public import MCPWire

/// One message from the host: its exact bytes (relayed untouched) and what routing needs to know about it.
public struct HostMessage: Sendable {
    /// The line as the host wrote it, without the newline.
    public let bytes: [UInt8]
    public let message: JSONRPCMessage

    public init(bytes: [UInt8], message: JSONRPCMessage) {
        self.bytes = bytes
        self.message = message
    }

    /// The request id, for requests.
    public var requestID: JSONRPCID? {
        if case .request(let request) = self.message { return request.id }
        return nil
    }

    /// The method of a request or notification.
    public var method: String? {
        switch self.message {
        case .request(let request): request.method
        case .notification(let notification): notification.method
        default: nil
        }
    }

    var params: [String: JSONValue]? {
        switch self.message {
        case .request(let request): request.params
        case .notification(let notification): notification.params
        default: nil
        }
    }

    /// The 2026-07-28 per-request protocol version (`_meta`), when the host speaks that era.
    public var modernProtocolVersion: String? {
        self.params?["_meta"]?[MCPMetaKey.protocolVersion]?.stringValue
    }
}

/// Where server messages go: the host, or (for requests the bridge makes itself) nowhere.
public protocol ServerMessageSink: Sendable {
    func deliver(_ bytes: [UInt8])
}

extension HostOutput: ServerMessageSink {
    public func deliver(_ bytes: [UInt8]) { self.write(bytes) }
}

/// Discards what it is given: the answers to requests the bridge replays on its own behalf.
struct DiscardingSink: ServerMessageSink {
    func deliver(_ bytes: [UInt8]) {}
}

/// A connection to the remote MCP server, whatever the transport.
public protocol ServerConnection: Sendable {
    /// Sends one host message. For a request, returns once the server's answer has been delivered to the host
    /// (messages the server sends before it are delivered as they arrive); throws when no answer will come.
    func send(_ message: HostMessage) async throws
    /// Ends the server session, if there is one (HTTP DELETE), and stops background streams.
    func close() async
}
