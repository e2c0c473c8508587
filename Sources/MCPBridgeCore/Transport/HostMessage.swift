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
