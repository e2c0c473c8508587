import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// Tools see who called: `whoami` answers per person (never cacheable for anyone else), and per-client bounds count
/// each person of a shared public client on their own.
@Suite("Token identity in tools")
struct TokenWhoamiTests {
    @Test func whoamiAnswersEachPersonOfOneClientWithTheirOwnIdentity() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let alice = try await rig.signIn(client, as: TokenRig.alice)
            let bob = try await rig.signIn(client, as: TokenRig.bob, scope: "mcp:tools")
            let forAlice = try await client.callMCP(token: alice.accessToken, params: ["name": "whoami"])
            let identity = try #require(forAlice.json["result"]?["structuredContent"])
            #expect(identity["authenticated"] == true)
            #expect(identity["clientId"] == .string(TokenRig.publicClient))
            #expect(identity["scopes"] == ["mcp:read", "mcp:tools"])
            #expect(identity["person"]?["id"] == .string(TokenRig.alice))
            #expect(identity["person"]?["username"] == "alice")
            #expect(identity["person"]?["displayName"] == "Alice")
            #expect(identity["person"]?["email"] == "alice@example.com")
            #expect(identity["person"]?["isAdmin"] == true)
            let forBob = try await client.callMCP(token: bob.accessToken, params: ["name": "whoami"])
            #expect(forBob.json["result"]?["structuredContent"]?["person"]?["id"] == .string(TokenRig.bob))
            #expect(forBob.json["result"]?["structuredContent"]?["person"]?["isAdmin"] == false)
            #expect(forBob.json["result"]?["structuredContent"]?["scopes"] == ["mcp:tools"])
        }
    }

    @Test func whoamiIsPrivateAndUncachedIn20260728() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let alice = try await rig.signIn(client)
            let answer = try await client.modern(
                "tools/call",
                params: ["name": "whoami", "arguments": [:]],
                headers: ["Authorization": "Bearer \(alice.accessToken)"]
            )
            #expect(answer.status == .ok)
            let result = try #require(answer.result)
            #expect(result["cacheScope"] == "private")
            #expect(result["ttlMs"] == 0)
            #expect(result["structuredContent"]?["person"]?["id"] == .string(TokenRig.alice))
            // Other tools' results carry no caching hints at all, and never public ones for a person.
            let echo = try await client.modern(
                "tools/call",
                params: ["name": "echo", "arguments": ["text": "hi"]],
                headers: ["Authorization": "Bearer \(alice.accessToken)"]
            )
            #expect(echo.result?["cacheScope"] == nil)
        }
    }

    @Test func aClientsOwnTokenHasNoPerson() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await client.token(id: TokenRig.confidentialClient, secret: TokenRig.confidentialSecret)
            let token = try #require(issued.json["access_token"]?.stringValue)
            let answer = try await client.callMCP(token: token, params: ["name": "whoami"])
            let identity = try #require(answer.json["result"]?["structuredContent"])
            #expect(identity["clientId"] == .string(TokenRig.confidentialClient))
            #expect(identity["person"] == nil)
        }
    }

    @Test func withoutAuthenticationWhoamiSaysSo() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("tools/call", params: ["name": "whoami"])
            #expect(answer.result?["structuredContent"]?["authenticated"] == false)
            #expect(answer.result?["isError"] != true)
        }
    }

    @Test func perClientBoundsCountEachPersonOfASharedClient() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let alice = try await rig.signIn(client, as: TokenRig.alice)
            let bob = try await rig.signIn(client, as: TokenRig.bob)
            func bump(_ token: String) async throws -> Bool {
                let answer = try await client.callMCP(token: token, params: ["name": "bump", "arguments": [:]])
                return answer.json["result"]?["isError"] != true
            }
            for _ in 0..<MCPCatalog.bumpsPerClientPerMinute { #expect(try await bump(alice.accessToken)) }
            #expect(try await !bump(alice.accessToken))
            // Bob signed in through the same client: Alice's bumps are not his.
            #expect(try await bump(bob.accessToken))
        }
    }

    @Test func clientKeysSeparatePeopleAndARemovedClientEndsThemAll() {
        let alice = ClientKey.client("c", person: "usr_alice")
        let bob = ClientKey.client("c", person: "usr_bob")
        #expect(alice != bob)
        #expect(ClientKey.everyone(of: "c").includes(alice))
        #expect(ClientKey.everyone(of: "c").includes(bob))
        #expect(!ClientKey.everyone(of: "d").includes(alice))
        #expect(!alice.includes(bob))
        #expect(!ClientKey.everyone(of: "c").includes(.address("c")))
        let authorization = MCPAuthorization(
            clientID: "c",
            scopes: [],
            person: AuthorizedPerson(id: "usr_alice", isAdmin: false)
        )
        #expect(ClientKey(authorization: authorization, address: nil) == alice)
        #expect(authorization.principal != MCPAuthorization(clientID: "c", scopes: []).principal)
    }
}
