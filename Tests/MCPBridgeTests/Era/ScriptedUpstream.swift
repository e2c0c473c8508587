import MCPWire

@testable import MCPBridgeCore

/// A server connection whose every message is handled by the test's script, which writes to the message's
/// sink as a server would (notifications, its own requests, the answer) and records what it was sent.
final class ScriptedUpstream: ServerConnection {
    let sent = Recorder<JSONRPCMessage>()
    /// Where unsolicited messages go (the translator's router), set by the rig.
    private let script: @Sendable (JSONRPCMessage, any ServerMessageSink) async throws -> Void

    init(script: @escaping @Sendable (JSONRPCMessage, any ServerMessageSink) async throws -> Void) {
        self.script = script
    }

    func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        self.sent.append(message.message)
        try await self.script(message.message, sink)
    }

    func close() async {}

    /// The requests sent with `method`, in order.
    func requests(_ method: String) -> [JSONRPCRequest] {
        self.sent.items.compactMap { message in
            if case .request(let request) = message, request.method == method { return request }
            return nil
        }
    }
}

extension ServerMessageSink {
    func notify(_ method: String, _ params: JSONValue? = nil) {
        self.send(.notification(JSONRPCNotification(method: method, params: params?.objectValue)))
    }
}
