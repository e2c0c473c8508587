import MCPWire
import NIOConcurrencyHelpers

/// Decides, while a tool runs, whether its answer is plain JSON or an SSE stream.
///
/// The HTTP status and content type must be chosen before the first byte goes out, but only the tool
/// knows whether it will report progress or ask the client something. So the answer waits for the first of two
/// events: the tool's first message for the stream (a progress report, a legacy question; then: stream, with that
/// message first) or its result (then: one JSON message).
final class ProgressGate: Sendable {
    enum Decision: Sendable {
        case result(status: Int, JSONValue)
        case stream
    }

    private struct State {
        var decided = false
        var waiter: CheckedContinuation<Decision, Never>?
        var early: Decision?
    }

    private let state = NIOLockedValueBox(State())
    let events: AsyncStream<JSONValue>
    private let continuation: AsyncStream<JSONValue>.Continuation

    init() {
        (self.events, self.continuation) = AsyncStream.makeStream(of: JSONValue.self, bufferingPolicy: .unbounded)
    }

    /// Waits for the decision.
    func decision() async -> Decision {
        await withCheckedContinuation { continuation in
            let ready: Decision? = self.state.withLockedValue { state in
                if let early = state.early { return early }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Cancels `task` when the stream's reader goes away (the client closed the connection).
    func cancelOnTermination(_ task: Task<Void, Never>) {
        self.continuation.onTermination = { _ in task.cancel() }
    }

    /// A message before the result (a progress notification, a request to the client): decides for a stream if
    /// nothing was decided yet.
    func emit(_ message: JSONValue) {
        self.continuation.yield(message)
        self.decide(.stream)
    }

    /// The final response: decides for plain JSON with `status` if nothing was decided yet, else ends the stream
    /// (where the status is already 200 and the response says what happened).
    func finish(_ response: JSONValue, status: Int = 200) {
        let streaming = self.state.withLockedValue { $0.decided }
        if streaming {
            self.continuation.yield(response)
            self.continuation.finish()
        } else {
            self.continuation.finish()
            self.decide(.result(status: status, response))
        }
    }

    /// Ends the answer of a call the client cancelled (`notifications/cancelled`): a stream ends without the
    /// response, since a cancelled request is not answered; an answer not yet decided still needs one, and gets it.
    func withdraw(_ response: JSONValue, status: Int = 200) {
        let streaming = self.state.withLockedValue { $0.decided }
        self.continuation.finish()
        if !streaming { self.decide(.result(status: status, response)) }
    }

    private func decide(_ decision: Decision) {
        let waiter: CheckedContinuation<Decision, Never>? = self.state.withLockedValue { state in
            guard !state.decided else { return nil }
            state.decided = true
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.early = decision
            return nil
        }
        waiter?.resume(returning: decision)
    }
}
