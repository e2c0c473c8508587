import MCPServerLambda
import NIOConcurrencyHelpers
import NIOCore

/// The Runtime API as a test double: hands out the invocations a test queues, and delivers what the loop posts
/// back to the test that waits for that invocation (``invoke(_:)``), or else as a stream the test awaits.
final class ScriptedLambdaRuntime: LambdaRuntime {
    /// What the loop posted for one invocation.
    enum Posted: Sendable, Equatable {
        case response(requestID: String, body: [UInt8])
        case failure(requestID: String, type: String)
    }

    private let invocations: AsyncStream<LambdaInvocation>
    private let invocationInput: AsyncStream<LambdaInvocation>.Continuation
    let posted: AsyncStream<Posted>
    private let postedInput: AsyncStream<Posted>.Continuation
    /// Tests waiting in ``invoke(_:)``, by request id.
    private let waiting = NIOLockedValueBox<[String: CheckedContinuation<Posted, Never>]>([:])

    init() {
        (self.invocations, self.invocationInput) = AsyncStream.makeStream()
        (self.posted, self.postedInput) = AsyncStream.makeStream()
    }

    /// Queues an event for the loop's next `next()`.
    func enqueue(_ invocation: LambdaInvocation) {
        self.invocationInput.yield(invocation)
    }

    /// Queues an event and waits for what the loop posts for it.
    func invoke(_ invocation: LambdaInvocation) async -> Posted {
        await withCheckedContinuation { continuation in
            self.waiting.withLockedValue { $0[invocation.requestID] = continuation }
            self.enqueue(invocation)
        }
    }

    private func post(_ posted: Posted, requestID: String) {
        if let waiter = self.waiting.withLockedValue({ $0.removeValue(forKey: requestID) }) {
            waiter.resume(returning: posted)
        } else {
            self.postedInput.yield(posted)
        }
    }

    func next() async throws -> LambdaInvocation {
        // One caller at a time (the loop), each call taking the next queued event; cancellation ends the wait.
        for await invocation in self.invocations { return invocation }
        throw CancellationError()
    }

    func respond(requestID: String, body: ByteBuffer) async throws {
        self.post(.response(requestID: requestID, body: Array(body.readableBytesView)), requestID: requestID)
    }

    func fail(requestID: String, error: LambdaFunctionError) async throws {
        self.post(.failure(requestID: requestID, type: error.type), requestID: requestID)
    }

    func initFailed(_ error: LambdaFunctionError) async throws {}
}

/// EMF lines kept in memory.
final class RecordingMetricsSink: MetricsSink {
    private let recorded = NIOLockedValueBox<[[UInt8]]>([])

    var lines: [[UInt8]] { self.recorded.withLockedValue { $0 } }

    func emit(_ line: [UInt8]) {
        self.recorded.withLockedValue { $0.append(line) }
    }
}
