import MCPWire

extension HostMessage {
    /// A message the bridge composes itself (a probe, a translated request, a retry).
    init(_ message: JSONRPCMessage) {
        self.init(bytes: message.json.serialized(), message: message)
    }

    init(request: JSONRPCRequest) {
        self.init(.request(request))
    }

    init(notification: JSONRPCNotification) {
        self.init(.notification(notification))
    }
}

extension ServerMessageSink {
    /// Sends `result` as the answer to request `id`.
    func answer(_ id: JSONRPCID, result: JSONValue) {
        self.deliver(JSONRPCResponse(id: id, result: result).json.serialized())
    }

    /// Sends `error` as the answer to request `id`.
    func answer(_ id: JSONRPCID, error: JSONRPCError) {
        self.deliver(JSONRPCErrorResponse(id: id, error: error).json.serialized())
    }

    func send(_ message: JSONRPCMessage) {
        self.deliver(message.json.serialized())
    }
}
