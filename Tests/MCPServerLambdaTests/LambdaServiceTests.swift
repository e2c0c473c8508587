import Foundation
import Hummingbird
import Logging
import MCPServerLambda
import MCPWire
import NIOCore
import ServiceLifecycle
import Testing

/// The Runtime API loop in process, as a `Service` in a `ServiceGroup`, against a scripted runtime.
@Suite("Lambda loop as a service")
struct LambdaServiceTests {
    @Test("every event gets one answer in order, a bad event goes to the error endpoint, and shutdown ends the loop")
    func loop() async throws {
        let runtime = ScriptedLambdaRuntime()
        let service = LambdaService(
            runtime: runtime,
            handler: LambdaInvocationHandlerTests.host(),
            logger: Logger(label: "test")
        )
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var answers = runtime.posted.makeAsyncIterator()
            runtime.enqueue(LambdaInvocationHandlerTests.invocation("/ip"))
            guard case .response(let first, let body) = await answers.next() else { throw Unexpected() }
            #expect(first == "r")
            #expect(try JSONValue(parsing: body)["body"] == "198.51.100.7")
            runtime.enqueue(
                LambdaInvocation(
                    requestID: "bad",
                    deadlineEpochMilliseconds: nil,
                    traceID: nil,
                    event: ByteBuffer(string: "[]")
                )
            )
            #expect(await answers.next() == .failure(requestID: "bad", type: "Runtime.InvalidEvent"))
            runtime.enqueue(LambdaInvocationHandlerTests.invocation("/teapot"))
            guard case .response(_, let teapot) = await answers.next() else { throw Unexpected() }
            #expect(try JSONValue(parsing: teapot)["statusCode"] == 400)
            // The loop is waiting in `next()`: graceful shutdown ends it, and the group returns.
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }

    struct Unexpected: Error {}
}
