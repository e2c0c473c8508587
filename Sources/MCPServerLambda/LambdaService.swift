public import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

/// The Lambda loop as a `Service`: takes events from the Runtime API one at a time and posts each one's answer,
/// until graceful shutdown or a Runtime API failure. It runs in the same `ServiceGroup` as the store, which is
/// shut down after it.
public struct LambdaService<Responder: HTTPResponder>: Service where Responder.Context == LambdaRequestContext {
    let runtime: any LambdaRuntime
    let handler: LambdaInvocationHandler<Responder>
    let logger: Logger

    public init(runtime: any LambdaRuntime, handler: LambdaInvocationHandler<Responder>, logger: Logger) {
        self.runtime = runtime
        self.handler = handler
        self.logger = logger
    }

    /// `next`, handle, answer; an event being handled when shutdown begins is still answered.
    public func run() async throws {
        var coldStart = true
        while !Task.isShuttingDownGracefully {
            let invocation: LambdaInvocation
            do {
                // Only the wait for the next event is cut short by shutdown, never an event in hand.
                invocation = try await cancelWhenGracefulShutdown { try await self.runtime.next() }
            } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                throw error
            }
            switch await self.handler.handle(invocation, coldStart: coldStart) {
            case .response(let document):
                try await self.runtime.respond(requestID: invocation.requestID, body: ByteBuffer(bytes: document))
            case .failure(let error):
                try await self.runtime.fail(requestID: invocation.requestID, error: error)
            }
            coldStart = false
        }
    }
}
