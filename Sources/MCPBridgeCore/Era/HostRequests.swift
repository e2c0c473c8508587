import MCPWire
import NIOConcurrencyHelpers

/// Requests the bridge itself sends to the host on stdout (the legacy form of a 2026-07-28 server's input
/// requests), and the host's answers to them, matched by the bridge's own ids.
final class HostRequests: Sendable {
    private struct State {
        var waiting: [JSONRPCID: OneShot<JSONRPCMessage>] = [:]
        var next = 1
    }

    private let host: any ServerMessageSink
    private let state = NIOLockedValueBox(State())
    /// At most this many requests wait for the host at once; a server that asks for more gets an error.
    static let limit = 64

    init(host: any ServerMessageSink) {
        self.host = host
    }

    /// Sends `method` with `params` to the host and waits for its answer (a response or an error response).
    /// Cancelling the waiting task stops the wait.
    func ask(_ method: String, params: JSONValue?) async throws -> JSONRPCMessage {
        let slot = OneShot<JSONRPCMessage>()
        let id = try self.state.withLockedValue { state throws(BridgeError) -> JSONRPCID in
            guard state.waiting.count < Self.limit else {
                throw BridgeError.protocolViolation("more than \(Self.limit) requests to the client are waiting")
            }
            defer { state.next += 1 }
            let id = BridgeIDs.make("input", state.next)
            state.waiting[id] = slot
            return id
        }
        defer { self.state.withLockedValue { _ = $0.waiting.removeValue(forKey: id) } }
        self.host.send(.request(JSONRPCRequest(id: id, method: method, params: params?.objectValue)))
        do {
            return try await slot.value
        } catch {
            // The request the input was for ended (cancelled, or another input failed): take the question back.
            self.host.send(
                .notification(
                    JSONRPCNotification(
                        method: MCPMethod.cancelledNotification,
                        params: ["requestId": id.json, "reason": "the request that needed this input ended"]
                    )
                )
            )
            throw error
        }
    }

    /// Takes the host's answer to one of the bridge's requests; `false` when it answers none of them.
    func take(_ message: JSONRPCMessage) -> Bool {
        let id: JSONRPCID?
        switch message {
        case .response(let response): id = response.id
        case .errorResponse(let response): id = response.id
        default: id = nil
        }
        guard let id, let slot = self.state.withLockedValue({ $0.waiting[id] }) else { return false }
        slot.succeed(message)
        return true
    }
}
