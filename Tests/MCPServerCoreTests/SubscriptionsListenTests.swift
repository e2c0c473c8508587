import HTTPTypes
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

@Suite("subscriptions/listen (2026-07-28)", .timeLimit(.minutes(1)))
struct SubscriptionsListenTests {
    static func router(limits: InteractionLimits = InteractionLimits()) -> StreamingRouter {
        StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn, limits: limits))
    }

    static func bump(_ router: StreamingRouter, lists: [String] = []) async throws -> JSONValue {
        try await router.modern(
            "tools/call",
            params: ["name": "bump", "arguments": ["lists": .array(lists.map { .string($0) })]],
            id: "bump"
        ) { try JSONValue(parsing: try await $0.text()) }
    }

    @Test func acknowledgesFirstThenDeliversRequestedChangesWithTheSubscriptionID() async throws {
        let router = Self.router()
        let filter: JSONValue = [
            "toolsListChanged": true, "resourceSubscriptions": ["remote-mcp://counter", "remote-mcp://about"],
        ]
        try await router.modern("subscriptions/listen", params: ["notifications": filter], id: "listen-1") { answer in
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/event-stream")
            #expect(answer.headers[HTTPField.Name("X-Accel-Buffering")!] == "no")

            let ack = try #require(try await answer.nextMessage())
            #expect(ack["method"] == "notifications/subscriptions/acknowledged")
            #expect(ack["id"] == nil)
            #expect(ack["params"]?["_meta"]?[MCPMetaKey.subscriptionId] == "listen-1")
            #expect(ack["params"]?["notifications"] == filter)

            // Prompts and the resource list were not asked for: only the tool list and the counter arrive.
            let bumped = try await Self.bump(router, lists: ["prompts", "resources", "tools"])
            #expect(bumped["result"]?["structuredContent"]?["counter"] == 1)
            var seen: [JSONValue] = []
            for _ in 0..<2 { seen.append(try #require(try await answer.nextMessage())) }
            #expect(
                Set(seen.compactMap { $0["method"]?.stringValue }) == [
                    "notifications/tools/list_changed", "notifications/resources/updated",
                ]
            )
            for message in seen {
                #expect(message["params"]?["_meta"]?[MCPMetaKey.subscriptionId] == "listen-1")
            }
            #expect(
                seen.first { $0["method"] == "notifications/resources/updated" }?["params"]?["uri"]
                    == "remote-mcp://counter"
            )

            // What follows a bump without lists is only the counter's update: nothing of the first bump is left over.
            _ = try await Self.bump(router)
            let update = try #require(try await answer.nextMessage())
            #expect(update["method"] == "notifications/resources/updated")

            // The server ends it: the completion result, with the subscription id, closes the stream.
            router.dispatcher.changes.endSubscriptions()
            let completion = try #require(try await answer.nextMessage())
            #expect(completion["id"] == "listen-1")
            #expect(completion["result"]?["resultType"] == "complete")
            #expect(completion["result"]?["_meta"]?[MCPMetaKey.subscriptionId] == "listen-1")
            #expect(completion["result"]?["_meta"]?[MCPMetaKey.serverInfo]?["name"] == "remote-mcp")
            #expect(try await answer.next() == nil)
        }
        #expect(router.dispatcher.changes.subscriberCount == 0)
    }

    @Test func numericSubscriptionIDsStayNumbers() async throws {
        let router = Self.router()
        try await router.modern("subscriptions/listen", params: ["notifications": ["promptsListChanged": true]], id: 7)
        {
            answer in
            let ack = try #require(try await answer.nextMessage())
            #expect(ack["params"]?["_meta"]?[MCPMetaKey.subscriptionId] == 7)
            #expect(ack["params"]?["notifications"] == ["promptsListChanged": true])
            _ = try await Self.bump(router, lists: ["prompts"])
            let changed = try #require(try await answer.nextMessage())
            #expect(changed["method"] == "notifications/prompts/list_changed")
            #expect(changed["params"]?["_meta"]?[MCPMetaKey.subscriptionId] == 7)
        }
    }

    @Test func quietStreamsCarryKeepAliveCommentsAndEndAfterTheirLifetime() async throws {
        let router = Self.router(
            limits: InteractionLimits(listenLifetime: .milliseconds(400), keepAliveInterval: .milliseconds(20))
        )
        try await router.modern("subscriptions/listen", params: ["notifications": ["toolsListChanged": true]]) {
            answer in
            #expect(try await answer.nextMessage()?["method"] == "notifications/subscriptions/acknowledged")
            #expect(try await answer.next() == .comment)
            let completion = try #require(try await answer.nextMessage())
            #expect(completion["result"]?["_meta"]?[MCPMetaKey.subscriptionId] == 1)
            #expect(try await answer.next() == nil)
        }
    }

    @Test func theClientGoingAwayEndsTheSubscription() async throws {
        let router = Self.router()
        try await router.modern("subscriptions/listen", params: ["notifications": ["toolsListChanged": true]]) {
            answer in
            _ = try await answer.nextMessage()
            #expect(router.dispatcher.changes.subscriberCount == 1)
        }
        // `post` returned: the body's writing was cancelled, as a closed connection cancels it.
        #expect(router.dispatcher.changes.subscriberCount == 0)
        _ = try await Self.bump(router, lists: ["tools"])
    }

    static let tools: [String: JSONValue] = ["notifications": ["toolsListChanged": true]]

    @Test func aFullServerAnswers503WithRetryAfter() async throws {
        let router = Self.router(limits: InteractionLimits(maxListeners: 1))
        try await router.modern("subscriptions/listen", params: Self.tools, id: "first", as: "alice") { first in
            _ = try await first.nextMessage()
            let second = try await router.modern("subscriptions/listen", params: Self.tools, id: "second", as: "bob") {
                ($0.status, $0.headers[.retryAfter], try JSONValue(parsing: try await $0.text()))
            }
            #expect(second.0 == .serviceUnavailable)
            #expect(second.1 == "30")
            #expect(second.2["id"] == "second")
            #expect(second.2["error"]?["code"] == -32603)
            #expect(second.2["error"]?["message"]?.stringValue?.contains("1 subscriptions/listen streams") == true)
            #expect(second.2["error"]?["data"]?["retryAfterSeconds"] == 30)
        }
        // The place is free again.
        try await router.modern("subscriptions/listen", params: Self.tools, id: "third", as: "bob") { third in
            let ack = try await third.nextMessage()
            #expect(ack?["method"] == "notifications/subscriptions/acknowledged")
        }
    }

    @Test func resourceSubscriptionsAreCappedAndTheAcknowledgementSaysWhich() async throws {
        let router = Self.router(limits: InteractionLimits(maxResourceSubscriptions: 2))
        let uris: JSONValue = ["greeting://a", "greeting://a", "greeting://b", "greeting://c"]
        try await router.modern("subscriptions/listen", params: ["notifications": ["resourceSubscriptions": uris]]) {
            answer in
            let ack = try #require(try await answer.nextMessage())
            #expect(ack["params"]?["notifications"] == ["resourceSubscriptions": ["greeting://a", "greeting://b"]])
        }
    }

    @Test(
        arguments: [
            [:], ["notifications": "all"], ["notifications": ["toolsListChanged": "yes"]],
            ["notifications": ["resourceSubscriptions": "a://1"]], ["notifications": ["resourceSubscriptions": [1]]],
        ] as [[String: JSONValue]]
    )
    func malformedFiltersAre400InvalidParams(_ params: [String: JSONValue]) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern("subscriptions/listen", params: params)
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32602)
        }
    }

    @Test func legacyEraHasNoListen() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("subscriptions/listen", params: ["notifications": [:]])
            #expect(answer.status == .ok)
            #expect(answer.errorCode == -32601)
        }
    }

    @Test func aHostThatCannotStreamAnswersAtOnceWithTheCompletionResult() async throws {
        let dispatcher = MCPDispatcher(catalog: .builtIn, streamsProgress: false)
        try await makeApp(dispatcher: dispatcher).test(.router) { client in
            let answer = try await client.modern(
                "subscriptions/listen",
                params: ["notifications": ["toolsListChanged": true]],
                id: "listen-1"
            )
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/json")
            #expect(try answer.json["id"] == "listen-1")
            #expect(answer.result?["resultType"] == "complete")
            #expect(answer.result?["_meta"]?[MCPMetaKey.subscriptionId] == "listen-1")
            #expect(dispatcher.changes.subscriberCount == 0)
        }
    }

    @Test(arguments: [true, false])
    func discoveryAdvertisesChangeNotificationsOnlyWhereTheyCanBeDelivered(_ streams: Bool) async throws {
        let dispatcher = MCPDispatcher(catalog: .builtIn, streamsProgress: streams)
        try await makeApp(dispatcher: dispatcher).test(.router) { client in
            let capabilities = try #require(try await client.modern("server/discover").result?["capabilities"])
            #expect(capabilities["tools"]?["listChanged"] == .bool(streams))
            #expect(capabilities["prompts"]?["listChanged"] == .bool(streams))
            #expect(capabilities["resources"]?["listChanged"] == .bool(streams))
            #expect(capabilities["resources"]?["subscribe"] == .bool(streams))
            // The legacy era has no stream to carry them (no GET stream, no sessions).
            let initialize = try await client.mcp(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"#
            )
            #expect(initialize.result?["capabilities"]?["tools"]?["listChanged"] == false)
            #expect(initialize.result?["capabilities"]?["resources"]?["subscribe"] == false)
        }
    }

    @Test func theCounterResourceChangesWithEachBumpAndIsNotCached() async throws {
        let router = Self.router()
        func read() async throws -> JSONValue? {
            try await router.modern("resources/read", params: ["uri": "remote-mcp://counter"]) {
                try JSONValue(parsing: try await $0.text())["result"]
            }
        }
        #expect(try await read()?["contents"]?[0]?["text"] == "0")
        _ = try await Self.bump(router)
        _ = try await Self.bump(router)
        let after = try #require(try await read())
        #expect(after["contents"]?[0]?["text"] == "2")
        #expect(after["ttlMs"] == 0)
    }
}

extension JSONValue {
    fileprivate subscript(_ index: Int) -> JSONValue? {
        guard let array = self.arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
