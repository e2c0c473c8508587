import Foundation
import HTTPTypes
import Logging
import MCPWire
import Testing

@testable import MCPServerCore

/// What one client can make the server hold with `subscriptions/listen`, and for how long: streams per client, the
/// size of a filter, a client that stops reading, the token's expiry, the client's deletion, and `bump`.
@Suite("subscriptions/listen: bounds", .timeLimit(.minutes(1)))
struct ListenBoundsTests {
    static let tools: [String: JSONValue] = ["notifications": ["toolsListChanged": true]]

    static func router(limits: InteractionLimits = InteractionLimits()) -> StreamingRouter {
        StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn, limits: limits))
    }

    @Test func oneClientCannotTakeEveryPlace() async throws {
        let router = Self.router(limits: InteractionLimits(maxListenersPerClient: 2))
        try await router.modern("subscriptions/listen", params: Self.tools, id: "a1", as: "alice") { first in
            _ = try await first.nextMessage()
            try await router.modern("subscriptions/listen", params: Self.tools, id: "a2", as: "alice") { second in
                _ = try await second.nextMessage()
                let third = try await router.modern(
                    "subscriptions/listen",
                    params: Self.tools,
                    id: "a3",
                    as: "alice"
                ) { ($0.status, $0.headers[.retryAfter], try JSONValue(parsing: try await $0.text())) }
                #expect(third.0 == .tooManyRequests)
                #expect(third.1 == "30")
                #expect(third.2["error"]?["message"]?.stringValue?.contains("this client has 2") == true)
                // Others are not affected.
                try await router.modern("subscriptions/listen", params: Self.tools, id: "b1", as: "bob") { bob in
                    let method = try await bob.nextMessage()?["method"]
                    #expect(method == "notifications/subscriptions/acknowledged")
                }
            }
        }
    }

    @Test(
        arguments: [
            [:], ["toolsListChanged": false, "resourceSubscriptions": []],
            ["resourceSubscriptions": ["nope://x", "remote-mcp://missing"]],
        ] as [JSONValue]
    )
    func aFilterThatHonoursNothingCompletesAtOnce(_ filter: JSONValue) async throws {
        let router = Self.router()
        let answer = try await router.modern("subscriptions/listen", params: ["notifications": filter], id: "l") {
            ($0.status, $0.headers[.contentType], try JSONValue(parsing: try await $0.text()))
        }
        #expect(answer.0 == .ok)
        #expect(answer.1 == "application/json")
        #expect(answer.2["result"]?["resultType"] == "complete")
        #expect(answer.2["result"]?["_meta"]?[MCPMetaKey.subscriptionId] == "l")
        #expect(router.dispatcher.changes.subscriberCount == 0)
    }

    @Test func onlyTheCatalogsResourcesAreHonouredWithinTheSizeBounds() async throws {
        let router = Self.router(limits: InteractionLimits(maxResourceURIBytes: 40, maxSubscriptionBytes: 60))
        let uris: JSONValue = [
            "remote-mcp://counter",  // 20 bytes
            "unknown://x",  // not offered
            .string("greeting://" + String(repeating: "x", count: 30)),  // 41 bytes: too long
            "greeting://bob",  // 14 bytes, 34 in all
            "greeting://carol-and-friends",  // 28 bytes: 62 in all would be too many
            "remote-mcp://about",  // 18 bytes, 52 in all
        ]
        try await router.modern("subscriptions/listen", params: ["notifications": ["resourceSubscriptions": uris]]) {
            answer in
            let ack = try #require(try await answer.nextMessage())
            #expect(
                ack["params"]?["notifications"] == [
                    "resourceSubscriptions": ["remote-mcp://counter", "greeting://bob", "remote-mcp://about"]
                ]
            )
        }
    }

    @Test func anEndedStreamTakesNoMoreChangesAndDrainsWhatIsPendingOnce() async throws {
        let filter = try SubscriptionFilter(
            params: ["notifications": ["toolsListChanged": true, "promptsListChanged": true]],
            bounds: SubscriptionFilter.Bounds(maxURIs: 1, maxURIBytes: 64, maxTotalBytes: 64),
            offers: { _ in false }
        )
        let subscriber = ChangeSubscriber(filter: filter, client: .address(nil))
        subscriber.deliver(.toolsListChanged)
        subscriber.end()
        subscriber.deliver(.promptsListChanged)
        #expect(await subscriber.next() == .changes([.toolsListChanged]))
        // A steady flow of changes cannot hold the end back.
        subscriber.deliver(.toolsListChanged)
        #expect(await subscriber.next() == .end)
    }

    @Test func aClientThatStopsReadingIsDisconnectedAtTheWriteDeadline() async throws {
        let router = Self.router(
            limits: InteractionLimits(keepAliveInterval: .milliseconds(10), writeTimeout: .milliseconds(50))
        )
        let connection = TestConnection()
        try await router.modern("subscriptions/listen", params: Self.tools, connection: connection) { answer in
            let method = try await answer.nextMessage()?["method"]
            #expect(method == "notifications/subscriptions/acknowledged")
            connection.stall()
            await connection.writeStalled()
            await #expect(throws: TestConnection.Gone.self) {
                while try await answer.next() != nil {}
            }
        }
        #expect(connection.closedByServer)
        #expect(router.dispatcher.changes.subscriberCount == 0)
    }

    @Test func aStreamEndsWhenItsAccessTokenExpires() async throws {
        let router = Self.router()
        let authorization = MCPAuthorization(
            clientID: "alice",
            scopes: [OAuthScope.read],
            expiresAt: Date().addingTimeInterval(0.2)
        )
        try await router.modern("subscriptions/listen", params: Self.tools, authorization: authorization) { answer in
            let method = try await answer.nextMessage()?["method"]
            #expect(method == "notifications/subscriptions/acknowledged")
            let completion = try #require(try await answer.nextMessage())
            #expect(completion["result"]?["resultType"] == "complete")
            #expect(try await answer.next() == nil)
        }
    }

    @Test func deletingAClientEndsItsStreams() async throws {
        let store = InMemoryServerStore()
        let ring = try await KeyRing.load(
            source: .store,
            store: store,
            tokenLifetime: .seconds(600),
            logger: Logger(label: "test")
        )
        let server = AuthorizationServer(configuration: AuthConfiguration(), store: store, keyRing: ring)
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn), authorizationServer: server)
        let registered = try JSONValue(
            parsing: try await router.request(
                .post,
                "/dcr",
                headers: ["Content-Type": "application/json"],
                body: #"{"client_name":"listener"}"#
            ).body
        )
        let id = try #require(registered["client_id"]?.stringValue)
        let secret = try #require(registered["client_secret"]?.stringValue)
        let registrationToken = try #require(registered["registration_access_token"]?.stringValue)
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        let issued = try JSONValue(
            parsing: try await router.request(
                .post,
                "/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"],
                body: "grant_type=client_credentials"
            ).body
        )
        let token = try #require(issued["access_token"]?.stringValue)
        try await router.modern(
            "subscriptions/listen",
            params: Self.tools,
            headers: ["Authorization": "Bearer \(token)"]
        ) { answer in
            let method = try await answer.nextMessage()?["method"]
            #expect(method == "notifications/subscriptions/acknowledged")
            let deleted = try await router.request(
                .delete,
                "/clients/\(id)",
                headers: ["Authorization": "Bearer \(registrationToken)"]
            )
            #expect(deleted.status == .noContent)
            let completion = try #require(try await answer.nextMessage())
            #expect(completion["result"]?["resultType"] == "complete")
            #expect(try await answer.next() == nil)
        }
        #expect(router.dispatcher.changes.subscriberCount == 0)
    }

    @Test func bumpIsLimitedPerClient() async throws {
        let router = Self.router()
        func bump(as client: String) async throws -> JSONValue? {
            try await router.modern("tools/call", params: ["name": "bump", "arguments": [:]], id: "b", as: client) {
                try JSONValue(parsing: try await $0.text())["result"]
            }
        }
        for _ in 0..<MCPCatalog.bumpsPerClientPerMinute {
            #expect(try await bump(as: "alice")?["isError"] == nil)
        }
        let refused = try #require(try await bump(as: "alice"))
        #expect(refused["isError"] == true)
        #expect(refused["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("10 calls per client") == true)
        #expect(try await bump(as: "bob")?["isError"] == nil)
        let description = MCPCatalog.builtIn.tools.first { $0.tool.name == "bump" }?.tool.description
        #expect(description?.contains("10 times per minute") == true)
    }
}
