import MCPWire

@testable import MCPBridgeCore

/// The host's side of a relay under test: keeps every message written to it, parsed, in order.
final class RecordingHost: ServerMessageSink {
    let messages = Recorder<JSONValue>()

    func deliver(_ bytes: [UInt8]) {
        self.messages.append((try? JSONValue(parsing: bytes)) ?? .string(String(decoding: bytes, as: UTF8.self)))
    }

    /// The answers (results and errors, not requests) to request `id`.
    func answers(to id: JSONValue) -> [JSONValue] {
        self.messages.items.filter { $0["id"] == id && $0["method"] == nil }
    }
}
