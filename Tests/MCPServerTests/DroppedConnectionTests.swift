import AsyncHTTPClient
import Foundation
import Logging
import MCPServerCore
import MCPWire
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// On a real socket: Hummingbird does not cancel a handler whose client has gone, so a legacy question would wait
/// its whole timeout; the keep-alive comment's failed write is what notices, and it cancels the tool.
@Suite("A dropped connection on the socket host", .timeLimit(.minutes(1)))
struct DroppedConnectionTests {
    @Test func theNextKeepAliveCancelsTheToolThatWaitsForAnAnswer() async throws {
        let (ended, signal) = AsyncStream.makeStream(of: String.self)
        var catalog = MCPCatalog.builtIn
        catalog.addTool(
            MCPTool(name: "ask", description: "Asks a question.", inputSchema: ["type": "object"]),
            asksForInput: true
        ) { _, context in
            do {
                let result = try await context.elicit(
                    key: "q",
                    message: "Go?",
                    requestedSchema: ["type": "object", "properties": [:]]
                )
                return .text(result.action.rawValue)
            } catch {
                signal.yield(error is CancellationError ? "cancelled" : "\(error)")
                throw error
            }
        }
        let dispatcher = MCPDispatcher(
            catalog: catalog,
            limits: InteractionLimits(keepAliveInterval: .milliseconds(50))
        )
        let logger = Logger(label: "dropped-connection-test")
        let (ready, readyInput) = AsyncStream<URL>.makeStream()
        let app = MCPServerApplication.make(
            configuration: ServerConfiguration(port: 0),
            dispatcher: dispatcher,
            store: InMemoryServerStore(),
            logger: logger,
            onReady: { readyInput.yield($0) }
        )
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var readiness = ready.makeAsyncIterator()
            let url = try #require(await readiness.next())
            // The client reads up to the question, then goes away: its task is cancelled, which closes the socket.
            let (asked, askedInput) = AsyncStream.makeStream(of: Void.self)
            let caller = Task {
                var request = HTTPClientRequest(url: url.absoluteString)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Accept", value: "application/json, text/event-stream")
                request.headers.add(name: "MCP-Protocol-Version", value: "2025-11-25")
                request.body = .bytes(
                    ByteBuffer(
                        string:
                            #"{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"ask","arguments":{}}}"#
                    )
                )
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                var text = ""
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    if text.contains("elicitation/create") { askedInput.yield() }
                }
            }
            _ = await asked.first { _ in true }
            caller.cancel()
            #expect(await ended.first { _ in true } == "cancelled")
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
