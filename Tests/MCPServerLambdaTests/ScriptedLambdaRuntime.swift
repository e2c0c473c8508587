import MCPServerLambda
import NIOConcurrencyHelpers
import NIOCore

/// The Runtime API as a test double: hands out the invocations a test queues, and delivers what the loop posts
/// back as a stream the test awaits.
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

    init() {
        (self.invocations, self.invocationInput) = AsyncStream.makeStream()
        (self.posted, self.postedInput) = AsyncStream.makeStream()
    }

    /// Queues an event for the loop's next `next()`.
    func enqueue(_ invocation: LambdaInvocation) {
        self.invocationInput.yield(invocation)
    }

    func next() async throws -> LambdaInvocation {
        // One caller at a time (the loop), each call taking the next queued event; cancellation ends the wait.
        for await invocation in self.invocations { return invocation }
        throw CancellationError()
    }

    func respond(requestID: String, body: ByteBuffer) async throws {
        self.postedInput.yield(.response(requestID: requestID, body: Array(body.readableBytesView)))
    }

    func fail(requestID: String, error: LambdaFunctionError) async throws {
        self.postedInput.yield(.failure(requestID: requestID, type: error.type))
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
