import MCPWire
import NIOConcurrencyHelpers

/// A sink for one request the bridge sends while translating: the answer to that request is kept for the
/// translator to read (``answer``) once the send returns, and every other message (progress, log messages, the
/// server's own requests) is handed to `other` as it arrives.
final class AnswerCapture: ServerMessageSink {
    let id: JSONRPCID
    private let other: @Sendable (JSONRPCMessage, [UInt8]) -> Void
    private let captured = NIOLockedValueBox<(message: JSONRPCMessage, bytes: [UInt8])?>(nil)

    init(id: JSONRPCID, other: @escaping @Sendable (JSONRPCMessage, [UInt8]) -> Void) {
        self.id = id
        self.other = other
    }

    /// A capture that drops everything but the answer.
    convenience init(id: JSONRPCID) {
        self.init(id: id) { _, _ in }
    }

    /// The answer to the request, once it came.
    var answer: JSONRPCMessage? { self.captured.withLockedValue { $0?.message } }

    /// The answer as the server sent it.
    var answerBytes: [UInt8]? { self.captured.withLockedValue { $0?.bytes } }

    func deliver(_ bytes: [UInt8]) {
        guard let message = try? JSONRPCMessage(parsing: bytes) else { return }
        switch message {
        case .response(let response) where response.id == self.id:
            self.captured.withLockedValue { $0 = (message, bytes) }
        case .errorResponse(let response) where response.id == self.id || response.id == nil:
            self.captured.withLockedValue { $0 = (message, bytes) }
        default:
            self.other(message, bytes)
        }
    }
}
