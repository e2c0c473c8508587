import MCPWire
import NIOConcurrencyHelpers

@testable import MCPBridgeCore

/// A stand-in for the connection to the MCP server, for testing the relay in process: it records every message
/// the relay sends and answers requests the way its script says, delivering to the host as a real connection
/// does (server messages first, then the answer, all before `send` returns).
final class ScriptedServerConnection: ServerConnection {
    /// What the server does with one request.
    enum Reply: Sendable {
        /// Answers with this result.
        case result(JSONValue)
        /// Sends these messages (progress, a server request) to the host, then answers with the result.
        case messagesThenResult([JSONValue], JSONValue)
        /// No answer will come: `send` throws this.
        case failure(BridgeError)
    }

    /// What happened, in order: `sent <method or id>`, `answered <id>`, `cancelled <id>`, `closed`.
    let timeline = Recorder<String>()
    /// Every message the relay sent, in order.
    let sent = Recorder<HostMessage>()
    private let host: any ServerMessageSink
    private let script: @Sendable (HostMessage) async throws -> Reply

    /// A connection that delivers to `host` and answers each request with what `script` returns; a script that
    /// throws (it is cancelled while it waits) means the relay stopped waiting.
    init(host: any ServerMessageSink, script: @escaping @Sendable (HostMessage) async throws -> Reply) {
        self.host = host
        self.script = script
    }

    func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        self.sent.append(message)
        self.timeline.append("sent \(message.method ?? message.requestID?.description ?? "response")")
        // Notifications and the host's answers to server requests are accepted with nothing to relay.
        guard let id = message.requestID else { return }
        let reply: Reply
        do {
            reply = try await self.script(message)
        } catch {
            self.timeline.append("cancelled \(id)")
            throw error
        }
        switch reply {
        case .result(let result):
            self.answer(id, result, to: sink)
        case .messagesThenResult(let messages, let result):
            for message in messages { sink.deliver(message.serialized()) }
            self.answer(id, result, to: sink)
        case .failure(let error):
            throw error
        }
    }

    /// Sends a message of the server's own to the host, outside any answer (the GET stream, the legacy stream).
    func push(_ message: JSONValue) {
        self.host.deliver(message.serialized())
    }

    func close() async {
        self.timeline.append("closed")
    }

    private func answer(_ id: JSONRPCID, _ result: JSONValue, to sink: any ServerMessageSink) {
        self.timeline.append("answered \(id)")
        sink.deliver(JSONValue.object(["jsonrpc": "2.0", "id": id.json, "result": result]).serialized())
    }
}
