import MCPWire
import Testing

@testable import MCPBridgeCore

/// A 2026-07-28 host in front of a legacy server, in process.
@Suite("era translation: modern host, legacy server", .timeLimit(.minutes(1)))
struct ModernHostTranslationTests {
    static let initializeResult: JSONValue = [
        "protocolVersion": "2025-11-25",
        "capabilities": ["tools": ["listChanged": true], "resources": ["subscribe": true]],
        "serverInfo": ["name": "legacy-server", "version": "3"],
        "instructions": "Old but gold.",
    ]

    /// A legacy server; `elicit` asks the client on the call's stream and waits for the answer.
    static func server(
        answers: Recorder<JSONRPCMessage>
    ) -> @Sendable (JSONRPCMessage, any ServerMessageSink) async throws -> Void {
        { message, sink in
            switch message {
            case .request(let request):
                switch request.method {
                case "initialize":
                    sink.answer(request.id, result: Self.initializeResult)
                case "tools/list":
                    sink.answer(request.id, result: ["tools": []])
                case "resources/subscribe":
                    sink.answer(request.id, result: [:])
                case "tools/call" where request.params?["name"] == "elicit":
                    sink.send(
                        .request(
                            JSONRPCRequest(
                                id: JSONRPCID("s1"),
                                method: "elicitation/create",
                                params: ["message": "Name?"]
                            )
                        )
                    )
                    try await answers.waitForCount(1)
                    guard case .response(let response) = answers.items[0] else { return }
                    sink.answer(
                        request.id,
                        result: ["content": [["type": "text", "text": response.result["content"]?["name"] ?? "?"]]]
                    )
                default:
                    sink.answer(request.id, error: .methodNotFound(request.method))
                }
            case .response, .errorResponse:
                answers.append(message)
            case .notification:
                break
            }
        }
    }

    @Test("server/discover is answered from an initialize the bridge performs; results gain resultType and true hints")
    func discover() async throws {
        let answers = Recorder<JSONRPCMessage>()
        let rig = TranslationRig(server: .legacy, script: Self.server(answers: answers))
        rig.write(TranslationRig.request(1, "server/discover", ["_meta": TranslationRig.modernMeta()]))
        let discover = try await rig.answer(to: 1)
        #expect(discover["result"]?["supportedVersions"] == ["2026-07-28"])
        #expect(discover["result"]?["_meta"]?[MCPMetaKey.serverInfo]?["name"] == "legacy-server")
        #expect(discover["result"]?["instructions"] == "Old but gold.")
        #expect(discover["result"]?["resultType"] == "complete")
        let initialize = try #require(rig.upstream.requests("initialize").first)
        #expect(initialize.params?["capabilities"]?["elicitation"] != nil)
        #expect(initialize.params?["clientInfo"]?["name"] == "modern-host")

        rig.write(TranslationRig.request(2, "tools/list", ["_meta": TranslationRig.modernMeta()]))
        let list = try await rig.answer(to: 2)
        #expect(list["result"]?["resultType"] == "complete")
        #expect(list["result"]?["ttlMs"] == 0)
        #expect(list["result"]?["cacheScope"] == "private")
        // The legacy server never sees the modern _meta.
        #expect(rig.upstream.requests("tools/list").first?.params?["_meta"] == nil)
        #expect(rig.upstream.requests("initialize").count == 1)
        await rig.finish()
    }

    @Test("the server's elicitation becomes input_required; the retry's input answers it upstream")
    func inputRequired() async throws {
        let answers = Recorder<JSONRPCMessage>()
        let rig = TranslationRig(server: .legacy, script: Self.server(answers: answers))
        rig.write(TranslationRig.request(1, "tools/call", ["name": "elicit", "_meta": TranslationRig.modernMeta()]))
        let first = try await rig.answer(to: 1)
        #expect(first["result"]?["resultType"] == "input_required")
        let inputs = try #require(first["result"]?["inputRequests"]?.objectValue)
        #expect(inputs.count == 1)
        let (key, input) = try #require(inputs.first)
        #expect(input["method"] == "elicitation/create")
        #expect(input["params"]?["message"] == "Name?")
        let state = try #require(first["result"]?["requestState"])

        rig.write(
            TranslationRig.request(
                2,
                "tools/call",
                [
                    "name": "elicit", "_meta": TranslationRig.modernMeta(), "requestState": state,
                    "inputResponses": [key: ["action": "accept", "content": ["name": "octocat"]]],
                ]
            )
        )
        let final = try await rig.answer(to: 2)
        #expect(final["result"]?["content"]?.arrayValue?.first?["text"] == "octocat")
        #expect(final["result"]?["resultType"] == "complete")
        guard case .response(let upstreamAnswer) = answers.items.first else {
            Issue.record("the server got no answer to its elicitation")
            return
        }
        #expect(upstreamAnswer.id == JSONRPCID("s1"))
        // A state used once is gone.
        rig.write(
            TranslationRig.request(
                3,
                "tools/call",
                ["name": "elicit", "_meta": TranslationRig.modernMeta(), "requestState": state]
            )
        )
        #expect(try await rig.answer(to: 3)["error"]?["code"] == -32602)
        await rig.finish()
    }

    @Test("subscriptions/listen is served from the server's notifications, and completes when stdin closes")
    func listen() async throws {
        let answers = Recorder<JSONRPCMessage>()
        let rig = TranslationRig(server: .legacy, script: Self.server(answers: answers))
        rig.write(
            TranslationRig.request(
                "listen-1",
                "subscriptions/listen",
                [
                    "_meta": TranslationRig.modernMeta(),
                    "notifications": [
                        "toolsListChanged": true, "promptsListChanged": true, "resourceSubscriptions": ["a://b"],
                    ],
                ]
            )
        )
        let ack = try await rig.hostReceives { $0["method"] == "notifications/subscriptions/acknowledged" }
        // Prompts are not something this server notifies about.
        #expect(ack["params"]?["notifications"] == ["toolsListChanged": true, "resourceSubscriptions": ["a://b"]])
        #expect(ack["params"]?["_meta"]?[ModernWire.subscriptionID] == "listen-1")
        #expect(rig.upstream.requests("resources/subscribe").first?.params?["uri"] == "a://b")
        rig.router.deliver(
            JSONRPCMessage.notification(JSONRPCNotification(method: "notifications/tools/list_changed")).json
                .serialized()
        )
        rig.router.deliver(
            JSONRPCMessage.notification(
                JSONRPCNotification(method: "notifications/resources/updated", params: ["uri": "a://b"])
            )
            .json.serialized()
        )
        rig.router.deliver(
            JSONRPCMessage.notification(
                JSONRPCNotification(method: "notifications/resources/updated", params: ["uri": "x://y"])
            )
            .json.serialized()
        )
        let changed = try await rig.hostReceives { $0["method"] == "notifications/tools/list_changed" }
        #expect(changed["params"]?["_meta"]?[ModernWire.subscriptionID] == "listen-1")
        try await rig.hostReceives { $0["method"] == "notifications/resources/updated" }
        await rig.finish()
        let completion = rig.host.answers(to: "listen-1")
        #expect(completion.count == 1)
        #expect(completion.first?["result"]?["_meta"]?[ModernWire.subscriptionID] == "listen-1")
        // Only the subscribed resource's update reached the host.
        #expect(rig.host.messages.items.filter { $0["method"] == "notifications/resources/updated" }.count == 1)
    }
}
