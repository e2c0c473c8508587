import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A Lambda Runtime API endpoint on loopback that follows AWS's documented contract (2018-06-01): it hands out
/// the events a test queues at `invocation/next` (long-polling until there is one), and records what the
/// function posts to `…/response`, `…/error` and `init/error`.
///
/// Tests await results; nothing here sleeps.
final class LocalLambdaRuntimeAPI: Sendable {
    /// What the function posted for one invocation.
    enum Result: Sendable {
        case response([UInt8])
        case error(type: String?, body: [UInt8])

        var json: [String: Any] {
            switch self {
            case .response(let bytes), .error(_, let bytes):
                (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
            }
        }
    }

    private let state = RuntimeState()
    private let task: Task<Void, any Error>
    /// `host:port`, the value for `AWS_LAMBDA_RUNTIME_API`.
    let endpoint: String

    init() async throws {
        let state = self.state
        let router = Router()
        let base = "/2018-06-01/runtime"
        router.get("\(base)/invocation/next") { _, _ -> Response in
            let event = await state.nextEvent()
            var headers = HTTPFields()
            headers[HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!] = event.id
            headers[HTTPField.Name("Lambda-Runtime-Deadline-Ms")!] = String(event.deadlineMilliseconds)
            headers[HTTPField.Name("Lambda-Runtime-Trace-Id")!] = event.traceID
            headers[HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!] =
                "arn:aws:lambda:us-east-1:123456789012:function:mcp-server"
            headers[.contentType] = "application/json"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: event.body))
            )
        }
        router.post("\(base)/invocation/:id/response") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 16 << 20)
            await state.finish(context.parameters.get("id") ?? "", .response(Array(buffer: body)))
            return .accepted
        }
        router.post("\(base)/invocation/:id/error") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let type = request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!]
            await state.finish(context.parameters.get("id") ?? "", .error(type: type, body: Array(buffer: body)))
            return .accepted
        }
        router.post("\(base)/init/error") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let type = request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!]
            await state.initFailed(.error(type: type, body: Array(buffer: body)))
            return .accepted
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.runtime-api")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        self.task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var ports = portStream.makeAsyncIterator()
        guard let port = await ports.next() else { throw RuntimeAPIDidNotStart() }
        self.endpoint = "127.0.0.1:\(port)"
    }

    deinit { self.task.cancel() }

    /// Queues `event` and waits for the function's answer.
    /// - Parameter deadline: how long the function has, from now.
    func invoke(
        _ event: [UInt8],
        deadline: Duration = .seconds(30),
        traceID: String? = nil
    ) async -> (id: String, result: Result) {
        let id = UUID().uuidString.lowercased()
        let milliseconds = deadline.components.seconds * 1000 + deadline.components.attoseconds / 1_000_000_000_000_000
        let pending = PendingEvent(
            id: id,
            body: event,
            deadlineMilliseconds: Int64(Date().timeIntervalSince1970 * 1000) + milliseconds,
            traceID: traceID ?? "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        )
        return (id, await self.state.invoke(pending))
    }

    /// Queues a JSON event.
    func invoke(json: Any, deadline: Duration = .seconds(30)) async throws -> (id: String, result: Result) {
        await self.invoke(Array(try JSONSerialization.data(withJSONObject: json)), deadline: deadline)
    }

    /// Waits for the function to report a start-up failure.
    func initError() async -> Result {
        await self.state.waitForInitError()
    }

    /// Called when the function's process ends: invocations waiting for an answer (and later ones) fail at once
    /// instead of waiting for the suite's time limit.
    func functionExited(status: Int32) async {
        await self.state.functionExited(status: status)
    }

    /// How many `next` calls have arrived so far.
    func nextCalls() async -> Int { await self.state.nextCount }

    struct RuntimeAPIDidNotStart: Error {}
}

struct PendingEvent: Sendable {
    var id: String
    var body: [UInt8]
    var deadlineMilliseconds: Int64
    var traceID: String
}

/// The queue of events and the waiters on both sides.
private actor RuntimeState {
    private var queued: [PendingEvent] = []
    private var pollers: [CheckedContinuation<PendingEvent, Never>] = []
    private var answers: [String: CheckedContinuation<LocalLambdaRuntimeAPI.Result, Never>] = [:]
    private var initResult: LocalLambdaRuntimeAPI.Result?
    private var initWaiters: [CheckedContinuation<LocalLambdaRuntimeAPI.Result, Never>] = []
    private(set) var nextCount = 0
    private var exitStatus: Int32?

    func nextEvent() async -> PendingEvent {
        self.nextCount += 1
        if !self.queued.isEmpty { return self.queued.removeFirst() }
        return await withCheckedContinuation { self.pollers.append($0) }
    }

    func invoke(_ event: PendingEvent) async -> LocalLambdaRuntimeAPI.Result {
        if let exitStatus { return Self.exited(exitStatus) }
        return await withCheckedContinuation { continuation in
            self.answers[event.id] = continuation
            if self.pollers.isEmpty {
                self.queued.append(event)
            } else {
                self.pollers.removeFirst().resume(returning: event)
            }
        }
    }

    func finish(_ id: String, _ result: LocalLambdaRuntimeAPI.Result) {
        self.answers.removeValue(forKey: id)?.resume(returning: result)
    }

    func functionExited(status: Int32) {
        self.exitStatus = status
        for answer in self.answers.values { answer.resume(returning: Self.exited(status)) }
        self.answers = [:]
    }

    private static func exited(_ status: Int32) -> LocalLambdaRuntimeAPI.Result {
        .error(
            type: "Test.FunctionExited",
            body: Array(#"{"errorMessage":"the function exited with status \#(status)"}"#.utf8)
        )
    }

    func initFailed(_ result: LocalLambdaRuntimeAPI.Result) {
        self.initResult = result
        for waiter in self.initWaiters { waiter.resume(returning: result) }
        self.initWaiters = []
    }

    func waitForInitError() async -> LocalLambdaRuntimeAPI.Result {
        if let initResult { return initResult }
        return await withCheckedContinuation { self.initWaiters.append($0) }
    }
}
