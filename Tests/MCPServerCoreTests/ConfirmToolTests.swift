import HTTPTypes
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

/// The built-in `confirm` tool: a question for the user, as 2026-07-28 asks it (input_required, then a retry) and
/// as the legacy era asks it (`elicitation/create` on the call's stream, answered by a POST).
@Suite("confirm: asking the user", .timeLimit(.minutes(1)))
struct ConfirmToolTests {
    static let question: JSONValue = ["question": "Delete the draft?"]
    static let elicitation: JSONValue = ["elicitation": [:]]

    static func confirm(
        _ client: some TestClientProtocol,
        id: JSONValue = 1,
        arguments: JSONValue = Self.question,
        capabilities: JSONValue = Self.elicitation,
        extra: [String: JSONValue] = [:]
    ) async throws -> MCPAnswer {
        var params: [String: JSONValue] = ["name": "confirm", "arguments": arguments]
        params.merge(extra) { $1 }
        return try await client.modern(
            "tools/call",
            params: params,
            id: id,
            meta: [MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: capabilities]
        )
    }

    static func answer(_ action: String, confirmed: Bool? = nil) -> JSONValue {
        var result: [String: JSONValue] = ["action": .string(action)]
        if let confirmed { result["content"] = ["confirmed": .bool(confirmed)] }
        return ["confirmation": .object(result)]
    }

    // MARK: - 2026-07-28

    @Test func inputRequiredCarriesTheQuestionAndTheRetryCompletes() async throws {
        try await makeApp().test(.router) { client in
            let first = try await Self.confirm(client)
            #expect(first.status == .ok)
            let result = try #require(first.result)
            #expect(result["resultType"] == "input_required")
            #expect(result["ttlMs"] == nil)
            #expect(result["content"] == nil)
            let request = try #require(result["inputRequests"]?["confirmation"])
            #expect(request["method"] == "elicitation/create")
            #expect(request["id"] == nil)
            #expect(request["params"]?["mode"] == "form")
            #expect(request["params"]?["message"] == "Delete the draft?")
            #expect(request["params"]?["requestedSchema"]?["properties"]?["confirmed"]?["type"] == "boolean")
            let state = try #require(result["requestState"]?.stringValue)

            let retry = try await Self.confirm(
                client,
                id: 2,
                extra: ["inputResponses": Self.answer("accept", confirmed: true), "requestState": .string(state)]
            )
            #expect(retry.status == .ok)
            #expect(try retry.json["id"] == 2)
            #expect(retry.result?["resultType"] == "complete")
            #expect(retry.result?["content"]?.arrayValue?.first?["text"] == "yes")
            #expect(retry.result?["structuredContent"] == ["answer": "yes"])
            #expect(retry.result?["isError"] == nil)
        }
    }

    @Test(
        arguments: [
            ("accept", false, "no"), ("decline", nil, "no"), ("cancel", nil, "cancelled"),
        ] as [(String, Bool?, String)]
    )
    func everyAnswerHasAMeaning(_ action: String, _ confirmed: Bool?, _ expected: String) async throws {
        try await makeApp().test(.router) { client in
            let state = try #require(try await Self.confirm(client).result?["requestState"])
            let retry = try await Self.confirm(
                client,
                id: 2,
                extra: ["inputResponses": Self.answer(action, confirmed: confirmed), "requestState": state]
            )
            #expect(retry.result?["structuredContent"]?["answer"] == .string(expected))
        }
    }

    @Test func aRetryWithoutTheAnswerAsksAgain() async throws {
        try await makeApp().test(.router) { client in
            let state = try #require(try await Self.confirm(client).result?["requestState"])
            let retry = try await Self.confirm(client, id: 2, extra: ["requestState": state])
            #expect(retry.result?["resultType"] == "input_required")
            #expect(retry.result?["inputRequests"]?["confirmation"] != nil)
        }
    }

    @Test func aTamperedStateIsRefusedClearly() async throws {
        try await makeApp().test(.router) { client in
            let state = try #require(try await Self.confirm(client).result?["requestState"]?.stringValue)
            var bytes = Array(state.utf8)
            bytes[4] = bytes[4] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let tampered = String(decoding: bytes, as: UTF8.self)
            for forged in [tampered, "not-a-state", state + "x"] {
                let retry = try await Self.confirm(
                    client,
                    id: 2,
                    extra: ["inputResponses": Self.answer("accept", confirmed: true), "requestState": .string(forged)]
                )
                #expect(retry.status == .badRequest)
                #expect(retry.errorCode == -32602)
                #expect(try retry.json["error"]?["message"]?.stringValue?.contains("requestState") == true)
            }
        }
    }

    @Test func aStateIsBoundToItsArguments() async throws {
        try await makeApp().test(.router) { client in
            let state = try #require(try await Self.confirm(client).result?["requestState"])
            let retry = try await Self.confirm(
                client,
                id: 2,
                arguments: ["question": "Delete everything?"],
                extra: ["inputResponses": Self.answer("accept", confirmed: true), "requestState": state]
            )
            #expect(retry.status == .badRequest)
            #expect(try retry.json["error"]?["message"]?.stringValue?.contains("another call") == true)
        }
    }

    @Test func aStateFromAnotherServerIsRefusedUnlessItSharesTheSecret() async throws {
        let secret = Array("a shared secret for request state".utf8)
        let issuer = MCPDispatcher(catalog: .builtIn, requestStateKeys: .fixed([secret]))
        let state = try await makeApp(dispatcher: issuer).test(.router) { client in
            try #require(try await Self.confirm(client).result?["requestState"])
        }
        let retry: [String: JSONValue] = [
            "inputResponses": Self.answer("accept", confirmed: true), "requestState": state,
        ]
        let sibling = MCPDispatcher(catalog: .builtIn, streamsProgress: false, requestStateKeys: .fixed([secret]))
        try await makeApp(dispatcher: sibling).test(.router) { client in
            let answer = try await Self.confirm(client, id: 2, extra: retry)
            #expect(answer.result?["structuredContent"] == ["answer": "yes"])
        }
        try await makeApp().test(.router) { client in
            let refused = try await Self.confirm(client, id: 2, extra: retry)
            #expect(refused.errorCode == -32602)
            #expect(try refused.json["error"]?["message"]?.stringValue?.contains("failed verification") == true)
        }
    }

    @Test func answersNeedTheirState() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await Self.confirm(
                client,
                extra: ["inputResponses": Self.answer("accept", confirmed: true)]
            )
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32602)
        }
    }

    @Test func anAnswerThatIsNotAnElicitationResultIsInvalidParams() async throws {
        try await makeApp().test(.router) { client in
            let state = try #require(try await Self.confirm(client).result?["requestState"])
            let retry = try await Self.confirm(
                client,
                id: 2,
                extra: ["inputResponses": ["confirmation": ["action": "maybe"]], "requestState": state]
            )
            #expect(retry.status == .badRequest)
            #expect(retry.errorCode == -32602)
        }
    }

    @Test(arguments: [[:], ["elicitation": ["url": [:]]], ["sampling": [:]]] as [JSONValue])
    func withoutFormElicitationTheClientGetsMissingCapability(_ capabilities: JSONValue) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await Self.confirm(client, capabilities: capabilities)
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32021)
            #expect(try answer.json["error"]?["data"]?["requiredCapabilities"] == ["elicitation": ["form": [:]]])
        }
    }

    @Test func formModeDeclaredExplicitlyIsEnough() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await Self.confirm(client, capabilities: ["elicitation": ["form": [:], "url": [:]]])
            #expect(answer.result?["resultType"] == "input_required")
        }
    }

    @Test func roundTripsWorkWhereNothingStreams() async throws {
        let lambda = MCPDispatcher(catalog: .builtIn, streamsProgress: false)
        try await makeApp(dispatcher: lambda).test(.router) { client in
            let state = try #require(try await Self.confirm(client).result?["requestState"])
            let retry = try await Self.confirm(
                client,
                id: 2,
                extra: ["inputResponses": Self.answer("accept", confirmed: true), "requestState": state]
            )
            #expect(retry.result?["structuredContent"] == ["answer": "yes"])
        }
    }

    @Test func laterRoundsKeepEarlierAnswersInTheState() async throws {
        var catalog = MCPCatalog()
        catalog.addTool(
            MCPTool(name: "two", description: "Asks two questions.", inputSchema: ["type": "object"]),
            asksForInput: true
        ) { _, context in
            let schema: JSONValue = ["type": "object", "properties": ["x": ["type": "string"]]]
            let first = try await context.elicit(key: "first", message: "First?", requestedSchema: schema)
            let second = try await context.elicit(key: "second", message: "Second?", requestedSchema: schema)
            return .text("\(first.content?["x"]?.stringValue ?? "-") \(second.content?["x"]?.stringValue ?? "-")")
        }
        try await makeApp(catalog: catalog).test(.router) { client in
            func call(_ id: Int, _ extra: [String: JSONValue] = [:]) async throws -> JSONValue? {
                var params: [String: JSONValue] = ["name": "two", "arguments": [:]]
                params.merge(extra) { $1 }
                let meta: [String: JSONValue] = [
                    MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: Self.elicitation,
                ]
                return try await client.modern("tools/call", params: params, id: .number(JSONNumber(id)), meta: meta)
                    .result
            }
            let first = try #require(try await call(1))
            #expect(first["inputRequests"]?.objectValue?.keys.sorted() == ["first"])
            let second = try #require(
                try await call(
                    2,
                    [
                        "inputResponses": ["first": ["action": "accept", "content": ["x": "a"]]],
                        "requestState": first["requestState"] ?? .null,
                    ]
                )
            )
            #expect(second["inputRequests"]?.objectValue?.keys.sorted() == ["second"])
            // The client answers only the latest question; the first answer travels in the state.
            let done = try await call(
                3,
                [
                    "inputResponses": ["second": ["action": "accept", "content": ["x": "b"]]],
                    "requestState": second["requestState"] ?? .null,
                ]
            )
            #expect(done?["content"]?.arrayValue?.first?["text"] == "a b")
        }
    }

    // MARK: - Legacy

    static func legacyConfirm(id: JSONValue = "c1") -> JSONValue {
        [
            "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": ["name": "confirm", "arguments": Self.question],
        ]
    }

    static func respond(
        _ router: StreamingRouter,
        to id: JSONValue,
        with member: [String: JSONValue]
    ) async throws
        -> HTTPResponse.Status
    {
        var body: [String: JSONValue] = ["jsonrpc": "2.0", "id": id]
        body.merge(member) { $1 }
        return try await router.post(.object(body), headers: ["MCP-Protocol-Version": "2025-11-25"]) { $0.status }
    }

    @Test func legacyAsksOnTheCallsStreamAndCompletesWhenTheClientAnswers() async throws {
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn))
        try await router.post(Self.legacyConfirm(), headers: ["MCP-Protocol-Version": "2025-11-25"]) { call in
            #expect(call.status == .ok)
            #expect(call.headers[.contentType] == "text/event-stream")
            let question = try #require(try await call.nextMessage())
            #expect(question["method"] == "elicitation/create")
            #expect(question["params"]?["message"] == "Delete the draft?")
            #expect(question["params"]?["requestedSchema"]?["type"] == "object")
            let id = try #require(question["id"])
            #expect(id.stringValue?.hasPrefix("remote-mcp-") == true)

            let posted = try await Self.respond(
                router,
                to: id,
                with: ["result": ["action": "accept", "content": ["confirmed": true]]]
            )
            #expect(posted == .accepted)
            let result = try #require(try await call.nextMessage())
            #expect(result["id"] == "c1")
            #expect(result["result"]?["content"]?.arrayValue?.first?["text"] == "yes")
            #expect(result["result"]?["resultType"] == nil)
            #expect(try await call.next() == nil)
        }
        // A late or unknown response is accepted and dropped.
        #expect(
            try await Self.respond(router, to: "remote-mcp-unknown", with: ["result": ["action": "cancel"]])
                == .accepted
        )
    }

    @Test func legacyClientErrorsBecomeAToolError() async throws {
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn))
        try await router.post(Self.legacyConfirm(), headers: ["MCP-Protocol-Version": "2025-06-18"]) { call in
            let question = try #require(try await call.nextMessage())
            #expect(question["params"]?["mode"] == nil)
            let error: JSONValue = ["code": -32601, "message": "Method not found"]
            #expect(try await Self.respond(router, to: question["id"]!, with: ["error": error]) == .accepted)
            let result = try #require(try await call.nextMessage())
            #expect(result["result"]?["isError"] == true)
            #expect(
                result["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains(
                    "could not ask the user"
                )
                    == true
            )
        }
    }

    @Test func tooManyOpenQuestionsFailTheNewCallAsAToolError() async throws {
        let router = StreamingRouter(
            dispatcher: MCPDispatcher(catalog: .builtIn, limits: InteractionLimits(maxPendingQuestions: 1))
        )
        try await router.post(Self.legacyConfirm(id: "first"), headers: ["MCP-Protocol-Version": "2025-11-25"]) {
            first in
            _ = try await first.nextMessage()
            let second = try await router.post(
                Self.legacyConfirm(id: "second"),
                headers: ["MCP-Protocol-Version": "2025-11-25"]
            ) { ($0.headers[.contentType], try JSONValue(parsing: try await $0.text())) }
            #expect(second.0 == "application/json")
            #expect(second.1["result"]?["isError"] == true)
            #expect(
                second.1["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("Too many") == true
            )
        }
    }

    @Test func anUnansweredQuestionTimesOut() async throws {
        let router = StreamingRouter(
            dispatcher: MCPDispatcher(catalog: .builtIn, limits: InteractionLimits(questionTimeout: .milliseconds(50)))
        )
        try await router.post(Self.legacyConfirm(), headers: ["MCP-Protocol-Version": "2025-11-25"]) { call in
            #expect(try await call.nextMessage()?["method"] == "elicitation/create")
            let result = try #require(try await call.nextMessage())
            #expect(result["result"]?["isError"] == true)
            #expect(
                result["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("No answer") == true
            )
        }
    }

    @Test func legacyVersionsBeforeElicitationGetAToolError() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "tools/call",
                params: ["name": "confirm", "arguments": Self.question],
                version: "2025-03-26"
            )
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.result?["isError"] == true)
            #expect(answer.result?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("2025-03-26") == true)
        }
    }

    @Test func legacyWhereNothingStreamsGetsAToolErrorThatSaysWhy() async throws {
        let lambda = MCPDispatcher(catalog: .builtIn, streamsProgress: false)
        try await makeApp(dispatcher: lambda).test(.router) { client in
            let answer = try await client.legacy("tools/call", params: ["name": "confirm", "arguments": Self.question])
            #expect(answer.status == .ok)
            #expect(answer.result?["isError"] == true)
            let text = try #require(answer.result?["content"]?.arrayValue?.first?["text"]?.stringValue)
            #expect(text.contains("cannot"))
            #expect(text.contains("2026-07-28"))
        }
    }

    @Test func onlyTheAskedClientCanAnswer() async throws {
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn))
        let version = ["MCP-Protocol-Version": "2025-11-25"]
        try await router.post(Self.legacyConfirm(), headers: version, as: "alice") { call in
            let id = try #require(try await call.nextMessage()?["id"])
            let forged: JSONValue = [
                "jsonrpc": "2.0", "id": id, "result": ["action": "accept", "content": ["confirmed": true]],
            ]
            #expect(try await router.post(forged, headers: version, as: "mallory") { $0.status } == .accepted)
            let genuine: JSONValue = [
                "jsonrpc": "2.0", "id": id, "result": ["action": "accept", "content": ["confirmed": false]],
            ]
            #expect(try await router.post(genuine, headers: version, as: "alice") { $0.status } == .accepted)
            let result = try #require(try await call.nextMessage())
            #expect(result["result"]?["structuredContent"] == ["answer": "no"])
        }
    }

    @Test func aStateIsBoundToItsClient() async throws {
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn))
        func call(as principal: String, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
            var params: [String: JSONValue] = ["name": "confirm", "arguments": Self.question]
            params.merge(extra) { $1 }
            return try await router.modern("tools/call", params: params, capabilities: Self.elicitation, as: principal)
            {
                try JSONValue(parsing: try await $0.text())
            }
        }
        let state = try #require(try await call(as: "alice")["result"]?["requestState"])
        let retry: [String: JSONValue] = [
            "inputResponses": Self.answer("accept", confirmed: true), "requestState": state,
        ]
        let stolen = try await call(as: "mallory", extra: retry)
        #expect(stolen["error"]?["message"]?.stringValue?.contains("another client") == true)
        let own = try await call(as: "alice", extra: retry)
        #expect(own["result"]?["structuredContent"] == ["answer": "yes"])
    }

    @Test func toolsThatNeverAskStayPlainJSONInTheLegacyEra() async throws {
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn))
        let call: JSONValue = [
            "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": "echo", "arguments": ["text": "hi"]],
        ]
        let type = try await router.post(call, headers: ["MCP-Protocol-Version": "2025-11-25"]) {
            $0.headers[.contentType]
        }
        #expect(type == "application/json")
    }
}
