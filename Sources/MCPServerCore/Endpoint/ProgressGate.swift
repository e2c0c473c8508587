import MCPWire
import NIOConcurrencyHelpers

/// Decides, while a tool runs, whether its answer is plain JSON or an SSE stream.
///
/// The HTTP status and content type must be chosen before the first byte goes out, but only the tool
/// knows whether it will report progress. So the answer waits for the first of two events: the tool's
/// first progress report (then: stream, with that report first) or its result (then: one JSON message).
final class ProgressGate: Sendable {
    enum Decision: Sendable {
        case result(JSONValue)
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

    /// A progress notification: decides for a stream if nothing was decided yet.
    func progress(_ notification: JSONValue) {
        self.continuation.yield(notification)
        self.decide(.stream)
    }

    /// The final response: decides for plain JSON if nothing was decided yet, else ends the stream.
    func finish(_ response: JSONValue) {
        let streaming = self.state.withLockedValue { $0.decided }
        if streaming {
            self.continuation.yield(response)
            self.continuation.finish()
        } else {
            self.continuation.finish()
            self.decide(.result(response))
        }
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
