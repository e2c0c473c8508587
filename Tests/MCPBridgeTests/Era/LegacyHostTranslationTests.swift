import MCPWire
import Testing

@testable import MCPBridgeCore

/// A legacy host (`initialize`) in front of a 2026-07-28 server, in process.
@Suite("era translation: legacy host, modern server", .timeLimit(.minutes(1)))
struct LegacyHostTranslationTests {
    static let discover: JSONValue = [
        "supportedVersions": ["2026-07-28"],
        "capabilities": ["tools": ["listChanged": true], "resources": ["subscribe": true]],
        "instructions": "Be brief.",
        "resultType": "complete", "ttlMs": 60000, "cacheScope": "public",
        "_meta": [MCPMetaKey.serverInfo: ["name": "modern-server", "version": "9"]],
    ]

    static func initialize(capabilities: JSONValue = ["elicitation": [:]]) -> JSONValue {
        TranslationRig.request(
            "init",
            "initialize",
            [
                "protocolVersion": "2025-06-18", "capabilities": capabilities,
                "clientInfo": ["name": "legacy-host", "version": "1"],
            ]
        )
    }

    /// A modern server: discovery, a listen stream held open, and `tools/call` by `call`.
    static func server(
        call: @escaping @Sendable (JSONRPCRequest, any ServerMessageSink) async throws -> Void = { request, sink in
            sink.answer(request.id, result: ["content": [], "resultType": "complete"])
        }
    ) -> @Sendable (JSONRPCMessage, any ServerMessageSink) async throws -> Void {
        { message, sink in
            guard case .request(let request) = message else { return }
            switch request.method {
            case "server/discover":
                sink.answer(request.id, result: Self.discover)
            case "subscriptions/listen":
                let tag: JSONValue = [ModernWire.subscriptionID: request.id.json]
                sink.notify(
                    ModernWire.subscriptionsAcknowledged,
                    ["notifications": request.params?["notifications"] ?? [:], "_meta": tag]
                )
                sink.notify(ModernWire.toolsListChanged, ["_meta": tag])
                // Held open until the bridge closes it.
                try await OneShot<Void>().value
            default:
                try await call(request, sink)
            }
        }
    }

    @Test("initialize is answered from server/discover; what the modern era removed is absorbed")
    func handshake() async throws {
        let rig = TranslationRig(server: .modern, script: Self.server())
        rig.write(Self.initialize())
        let answer = try await rig.answer(to: "init")
        #expect(answer["result"]?["protocolVersion"] == "2025-06-18")
        #expect(answer["result"]?["serverInfo"]?["name"] == "modern-server")
        #expect(answer["result"]?["instructions"] == "Be brief.")
        #expect(answer["result"]?["capabilities"]?["tools"]?["listChanged"] == true)
        let discover = try #require(rig.upstream.requests("server/discover").first)
        #expect(discover.meta?[MCPMetaKey.clientCapabilities]?["elicitation"] != nil)
        #expect(discover.meta?[MCPMetaKey.clientInfo]?["name"] == "legacy-host")

        rig.write(["jsonrpc": "2.0", "method": "notifications/initialized"])
        rig.write(TranslationRig.request(1, "ping"))
        rig.write(TranslationRig.request(2, "logging/setLevel", ["level": "debug"]))
        #expect(try await rig.answer(to: 1)["result"] == [:])
        #expect(try await rig.answer(to: 2)["result"] == [:])
        rig.write(TranslationRig.request(3, "tools/list"))
        _ = try await rig.answer(to: 3)
        let list = try #require(rig.upstream.requests("tools/list").first)
        #expect(list.meta?[MCPMetaKey.protocolVersion] == "2026-07-28")
        #expect(list.meta?[MCPMetaKey.logLevel] == "debug")
        #expect(list.meta?[MCPMetaKey.clientInfo]?["name"] == "legacy-host")
        await rig.finish()
        // Nothing of the legacy handshake, ping or setLevel reached the modern server.
        let methods = rig.upstream.sent.items.compactMap { message -> String? in
            if case .request(let request) = message { return request.method }
            if case .notification(let notification) = message { return notification.method }
            return nil
        }
        #expect(!methods.contains("initialize") && !methods.contains("ping") && !methods.contains("logging/setLevel"))
        #expect(!methods.contains("notifications/initialized"))
    }

    @Test("a listen stream becomes the legacy change notifications, and resources/subscribe reopens it")
    func changeNotifications() async throws {
        let rig = TranslationRig(server: .modern, script: Self.server())
        rig.write(Self.initialize())
        _ = try await rig.answer(to: "init")
        rig.write(["jsonrpc": "2.0", "method": "notifications/initialized"])
        let changed = try await rig.hostReceives { $0["method"] == "notifications/tools/list_changed" }
        // The subscription id is the bridge's business, not the host's.
        #expect(changed["params"]?["_meta"]?[ModernWire.subscriptionID] == nil)
        #expect(rig.host.messages.items.allSatisfy { $0["method"] != .string(ModernWire.subscriptionsAcknowledged) })

        rig.write(TranslationRig.request(5, "resources/subscribe", ["uri": "remote-mcp://counter"]))
        #expect(try await rig.answer(to: 5)["result"] == [:])
        try await rig.upstream.sent.waitFor { message in
            guard case .request(let request) = message, request.method == "subscriptions/listen" else { return false }
            return request.params?["notifications"]?["resourceSubscriptions"] == ["remote-mcp://counter"]
        }
        await rig.finish()
    }

    @Test("input_required becomes the legacy request on stdout; the retry carries the host's answer and a new id")
    func inputRounds() async throws {
        let rig = TranslationRig(
            server: .modern,
            script: Self.server { request, sink in
                if let responses = request.params?[ModernWire.inputResponses] {
                    #expect(request.params?[ModernWire.requestState] == "state-1")
                    sink.answer(
                        request.id,
                        result: [
                            "content": [["type": "text", "text": .string("\(responses["ask"]?["action"] ?? "?")")]]
                        ]
                    )
                    return
                }
                sink.answer(
                    request.id,
                    result: [
                        "resultType": "input_required", "requestState": "state-1",
                        "inputRequests": [
                            "ask": [
                                "method": "elicitation/create", "params": ["message": "Sure?", "requestedSchema": [:]],
                            ]
                        ],
                    ]
                )
            }
        )
        rig.write(Self.initialize())
        _ = try await rig.answer(to: "init")
        rig.write(TranslationRig.request(7, "tools/call", ["name": "confirm", "arguments": ["question": "Sure?"]]))
        let ask = try await rig.hostReceives { $0["method"] == "elicitation/create" }
        #expect(ask["params"]?["message"] == "Sure?")
        rig.write(["jsonrpc": "2.0", "id": try #require(ask["id"]), "result": ["action": "accept", "content": [:]]])
        let answer = try await rig.answer(to: 7)
        #expect(answer["result"]?["content"]?.arrayValue?.first?["text"] == "\"accept\"")
        let calls = rig.upstream.requests("tools/call")
        #expect(calls.count == 2)
        #expect(calls[0].id == JSONRPCID(7))
        #expect(calls[1].id != calls[0].id)
        #expect(calls[1].params?["arguments"]?["question"] == "Sure?")
        await rig.finish()
    }

    @Test("a host without the capability gets an error it can show; a server past the round bound gets cut off")
    func inputRefused() async throws {
        let rig = TranslationRig(
            server: .modern,
            script: Self.server { request, sink in
                let name = request.params?["name"]?.stringValue
                var result: [String: JSONValue] = ["resultType": "input_required", "requestState": "again"]
                if name == "elicit" {
                    result["inputRequests"] = ["k": ["method": "elicitation/create", "params": ["message": "?"]]]
                }
                sink.answer(request.id, result: .object(result))
            }
        )
        rig.write(Self.initialize(capabilities: [:]))
        _ = try await rig.answer(to: "init")
        rig.write(TranslationRig.request(1, "tools/call", ["name": "elicit"]))
        let refused = try await rig.answer(to: 1)
        #expect(refused["error"]?["code"] == -32021)
        #expect(refused["error"]?["message"]?.stringValue?.contains("elicitation") == true)
        rig.write(TranslationRig.request(2, "tools/call", ["name": "forever"]))
        let cut = try await rig.answer(to: 2)
        #expect(cut["error"]?["message"]?.stringValue?.contains("more than \(LegacyHostTranslation.maxRounds)") == true)
        #expect(rig.upstream.requests("tools/call").count == 2 + LegacyHostTranslation.maxRounds)
        await rig.finish()
    }

    @Test("a listen stream that ends at once (a serverless host) is opened again after doubling waits, never in a loop")
    func listenBackoff() async throws {
        let waits = Recorder<Duration>()
        let rig = TranslationRig(
            server: .modern,
            pause: { wait in
                waits.append(wait)
                // After five waits the test has seen enough: the next wait lasts until the bridge closes.
                if waits.items.count >= 5 { try await OneShot<Void>().value }
            },
            script: { message, sink in
                guard case .request(let request) = message else { return }
                switch request.method {
                case "server/discover":
                    sink.answer(request.id, result: Self.discover)
                case "subscriptions/listen":
                    // As mcp-server on Lambda: the completion result at once, no stream.
                    sink.answer(
                        request.id,
                        result: ["resultType": "complete", "_meta": [ModernWire.subscriptionID: request.id.json]]
                    )
                default:
                    sink.answer(request.id, result: [:])
                }
            }
        )
        rig.write(Self.initialize())
        _ = try await rig.answer(to: "init")
        rig.write(["jsonrpc": "2.0", "method": "notifications/initialized"])
        try await waits.waitForCount(5)
        await rig.finish()
        let seconds = waits.items.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        // 1, 2, 4, 8, 16 seconds, each within the ±20 % jitter.
        for (index, wait) in seconds.enumerated() {
            let planned = Double(1 << index)
            #expect(wait >= planned * 0.8 && wait <= planned * 1.2, "wait \(index): \(wait) s")
        }
        // One stream per wait, plus the one after the last wait began: no stream opened without a wait before it.
        #expect(rig.upstream.requests("subscriptions/listen").count == 5)
    }

    @Test("a server that never answers the bridge's own server/discover cannot hang the host: initialize gets an error")
    func discoverDeadline() async throws {
        let rig = TranslationRig(server: .modern, deadline: .milliseconds(200)) { message, _ in
            // Holds every request open, as a server sending only keep-alives would.
            if case .request = message { try await OneShot<Void>().value }
        }
        rig.write(Self.initialize())
        let answer = try await rig.answer(to: "init")
        #expect(answer["error"]?["data"]?["kind"] == "timeout")
        await rig.finish()
    }
}
