import Foundation
import HTTPTypes
import HummingbirdTesting
import InMemoryLogging
import Logging
import MCPServerCore
import MCPWire
import Testing

/// What one legacy client can make the server hold with a question (`elicitation/create` on a call's stream): a
/// bounded number, not past a dropped connection, a cancellation or the token's expiry, and answered only with the
/// scope the call needed.
@Suite("Legacy questions: bounds, cancellation and scope", .timeLimit(.minutes(1)))
struct LegacyQuestionBoundsTests {
    static let version = ["MCP-Protocol-Version": "2025-11-25"]

    static func router(
        _ limits: InteractionLimits = InteractionLimits(),
        catalog: MCPCatalog = .builtIn
    )
        -> StreamingRouter
    {
        StreamingRouter(dispatcher: MCPDispatcher(catalog: catalog, limits: limits))
    }

    /// The built-in catalog plus `ask`, which asks as `confirm` does and reports how it ended on `ended`.
    static func signallingCatalog() -> (MCPCatalog, AsyncStream<String>) {
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
                signal.yield(result.action.rawValue)
                return .text(result.action.rawValue)
            } catch {
                signal.yield(error is CancellationError ? "cancelled" : "\(error)")
                throw error
            }
        }
        return (catalog, ended)
    }

    static func call(_ tool: String, id: JSONValue) -> JSONValue {
        let arguments: JSONValue = tool == "confirm" ? ["question": "Ship it?"] : [:]
        return [
            "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": ["name": .string(tool), "arguments": arguments],
        ]
    }

    static func cancellation(of id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": id, "reason": "user"]]
    }

    static func answer(_ id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    @Test func oneClientCannotTakeEveryQuestion() async throws {
        let router = Self.router(InteractionLimits(maxQuestionsPerClient: 1))
        try await router.post(Self.call("confirm", id: "a1"), headers: Self.version, as: "alice") { first in
            let method = try await first.nextMessage()?["method"]
            #expect(method == "elicitation/create")
            let second = try await router.post(Self.call("confirm", id: "a2"), headers: Self.version, as: "alice") {
                try JSONValue(parsing: try await $0.text())
            }
            #expect(second["result"]?["isError"] == true)
            let text = second["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
            #expect(text?.contains("This client has 1 questions waiting") == true)
            try await router.post(Self.call("confirm", id: "b1"), headers: Self.version, as: "bob") { bob in
                let method = try await bob.nextMessage()?["method"]
                #expect(method == "elicitation/create")
            }
        }
    }

    @Test func aWaitingQuestionsStreamCarriesKeepAlives() async throws {
        let router = Self.router(InteractionLimits(keepAliveInterval: .milliseconds(10)))
        try await router.post(Self.call("confirm", id: "c1"), headers: Self.version) { call in
            let method = try await call.nextMessage()?["method"]
            #expect(method == "elicitation/create")
            let frame = try await call.next()
            #expect(frame == .comment)
        }
    }

    @Test func aDroppedConnectionEndsTheCallAndFreesItsQuestion() async throws {
        let (catalog, ended) = Self.signallingCatalog()
        let router = Self.router(
            InteractionLimits(keepAliveInterval: .milliseconds(10), maxQuestionsPerClient: 1),
            catalog: catalog
        )
        let connection = TestConnection()
        try await router.post(Self.call("ask", id: "c1"), headers: Self.version, as: "alice", connection: connection) {
            call in
            let method = try await call.nextMessage()?["method"]
            #expect(method == "elicitation/create")
            // The client vanishes without a word: the next keep-alive fails, which cancels the tool.
            connection.drop()
            await #expect(throws: TestConnection.Gone.self) {
                while try await call.next() != nil {}
            }
        }
        #expect(await ended.first { _ in true } == "cancelled")
        try await router.post(Self.call("confirm", id: "c2"), headers: Self.version, as: "alice") { again in
            let method = try await again.nextMessage()?["method"]
            #expect(method == "elicitation/create")
        }
    }

    @Test func aClientsCancellationEndsItsCallWithoutAnAnswerAndFreesTheQuestion() async throws {
        let (catalog, ended) = Self.signallingCatalog()
        let router = Self.router(InteractionLimits(maxQuestionsPerClient: 1), catalog: catalog)
        try await router.post(Self.call("ask", id: "c1"), headers: Self.version, as: "alice") { call in
            let method = try await call.nextMessage()?["method"]
            #expect(method == "elicitation/create")
            let status = try await router.post(Self.cancellation(of: "c1"), headers: Self.version, as: "alice") {
                $0.status
            }
            #expect(status == .accepted)
            // A cancelled request is not answered: the stream just ends.
            #expect(try await call.nextMessage() == nil)
        }
        #expect(await ended.first { _ in true } == "cancelled")
        try await router.post(Self.call("confirm", id: "c2"), headers: Self.version, as: "alice") { again in
            let method = try await again.nextMessage()?["method"]
            #expect(method == "elicitation/create")
        }
    }

    @Test func removingAClientEndsItsCallsAndTheirQuestions() async throws {
        let (catalog, ended) = Self.signallingCatalog()
        let router = Self.router(catalog: catalog)
        try await router.post(Self.call("ask", id: "c1"), headers: Self.version, as: "alice") { call in
            let question = try await call.nextMessage()
            #expect(question?["method"] == "elicitation/create")
            // What `DELETE /clients/alice` does through the token verifier's observers (ListenBoundsTests).
            router.dispatcher.clientRemoved("alice")
            #expect(try await call.nextMessage() == nil)
        }
        #expect(await ended.first { _ in true } == "cancelled")
    }

    @Test func anotherClientCannotCancelTheCall() async throws {
        let router = Self.router()
        try await router.post(Self.call("confirm", id: "c1"), headers: Self.version, as: "alice") { call in
            let id = try #require(try await call.nextMessage()?["id"])
            let status = try await router.post(Self.cancellation(of: "c1"), headers: Self.version, as: "mallory") {
                $0.status
            }
            #expect(status == .accepted)
            let answered = try await router.post(
                Self.answer(id, ["action": "accept", "content": ["confirmed": true]]),
                headers: Self.version,
                as: "alice"
            ) { $0.status }
            #expect(answered == .accepted)
            #expect(try await call.nextMessage()?["result"]?["structuredContent"] == ["answer": "yes"])
        }
    }

    @Test func anAnswerNeedsTheScopeTheCallNeeded() async throws {
        let router = Self.router()
        try await router.post(Self.call("confirm", id: "c1"), headers: Self.version, as: "alice") { call in
            let id = try #require(try await call.nextMessage()?["id"])
            let readOnly = MCPAuthorization(clientID: "alice", scopes: [OAuthScope.read])
            let refused = try await router.post(
                Self.answer(id, ["action": "accept", "content": ["confirmed": true]]),
                headers: Self.version,
                authorization: readOnly
            ) { ($0.status, $0.headers[.wwwAuthenticate]) }
            #expect(refused.0 == .forbidden)
            #expect(refused.1?.contains(#"scope="mcp:tools""#) == true)
            let accepted = try await router.post(
                Self.answer(id, ["action": "accept", "content": ["confirmed": false]]),
                headers: Self.version,
                as: "alice"
            ) { $0.status }
            #expect(accepted == .accepted)
            #expect(try await call.nextMessage()?["result"]?["structuredContent"] == ["answer": "no"])
        }
    }

    @Test func aQuestionEndsWhenTheAccessTokenExpires() async throws {
        let router = Self.router()
        let authorization = MCPAuthorization(
            clientID: "alice",
            scopes: [OAuthScope.read, OAuthScope.tools],
            expiresAt: Date().addingTimeInterval(0.2)
        )
        try await router.post(Self.call("confirm", id: "c1"), headers: Self.version, authorization: authorization) {
            call in
            let method = try await call.nextMessage()?["method"]
            #expect(method == "elicitation/create")
            let result = try #require(try await call.nextMessage()?["result"])
            #expect(result["isError"] == true)
            #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("No answer") == true)
        }
    }

    @Test func theDefaultQuestionTimeoutIsAMinute() {
        #expect(InteractionLimits().questionTimeout == .seconds(60))
        #expect(InteractionLimits().maxQuestionsPerClient == 4)
    }

    @Test func anAnswerToNoQuestionIsLoggedWithTheClientAndNeverTheBody() async throws {
        let harness = try await AuthHarness.make()
        let clientID = try await harness.app.test(.router) { client in
            let (token, clientID, _) = try await client.accessToken()
            let body = Self.answer("remote-mcp-nothing", ["action": "accept", "content": ["note": "do-not-log-me"]])
            let answer = try await client.request(
                .post,
                "/mcp",
                headers: [
                    "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                    "MCP-Protocol-Version": "2025-11-25", "Authorization": "Bearer \(token)",
                ],
                body: body.serializedString()
            )
            #expect(answer.status == .accepted)
            return clientID
        }
        let lines = harness.logs.entries.filter { $0.message == "A client response matched no open question" }
        #expect(lines.count == 1)
        #expect(lines.first?.level == .notice)
        #expect(lines.first?.value("client_id") == clientID)
        #expect(!harness.logs.text.contains("do-not-log-me"))
    }
}
