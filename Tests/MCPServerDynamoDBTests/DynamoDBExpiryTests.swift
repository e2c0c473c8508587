import Foundation
import Logging
import MCPServerAWS
import MCPServerCore
import MCPWire
import RemoteMCPTestSupport
import Testing

@testable import MCPServerDynamoDB

/// DynamoDB deletes expired items lazily, so the store must not hand back an item past its `expires_at`.
@Suite("DynamoDB store: expired items are filtered on read", .needsMoto)
struct DynamoDBExpiryTests {
    @Test("an item past expires_at is absent from GetItem and Query answers; one not yet past is kept")
    func expiredItemsAreFiltered() async throws {
        let logger = Logger(label: "test")
        let store = try await MotoTable.freshStore(logger: logger)
        let client = try MotoTable.client(logger: logger)
        let now = Date()
        for (id, expiry) in [("expired", now.addingTimeInterval(-5)), ("live", now.addingTimeInterval(3600))] {
            var item = DynamoDBServerStore.item(
                StoredClient(
                    id: id,
                    secretHash: "h",
                    registrationTokenHash: "t",
                    metadata: ["client_name": "x"],
                    createdAt: now,
                    updatedAt: now
                )
            )
            item = .object(
                (item.objectValue ?? [:]).merging([
                    "expires_at": ["N": .string(String(Int(expiry.timeIntervalSince1970)))]
                ]) { $1 }
            )
            _ = try await client.call("PutItem", ["TableName": .string(store.table), "Item": item])
        }
        #expect(try await store.client(id: "expired") == nil)
        #expect(try await store.client(id: "live")?.id == "live")
        #expect(try await store.listClients().map(\.id) == ["live"])

        try await DynamoDBServerStore.deleteTable(store.table, client: client)
    }
}

/// Sign-in items carry a TTL for DynamoDB's purge; until it runs, the store goes by their logical expiry.
@Suite("DynamoDB store: expired sign-in items read as gone", .needsMoto)
struct DynamoDBSignInExpiryTests {
    @Test("a code past its retention, a login state past its expiry and an idle family read as gone")
    func expiredCodesAndLoginStatesReadAsGone() async throws {
        let logger = Logger(label: "test")
        let store = try await MotoTable.freshStore(logger: logger)
        let client = try MotoTable.client(logger: logger)
        // Whole seconds: dates are stored as seconds since 1970, and a fraction may not round-trip to the same Date.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

        // Redeemed, then kept 10 minutes past its expiry to report reuse; after that it is unknown.
        var code = StoredAuthorizationCode(
            codeHash: "code-1",
            clientID: "client-a",
            personID: "usr_alice",
            redirectURI: "http://127.0.0.1/callback",
            scope: "mcp:tools",
            resource: "https://mcp.example.com/mcp",
            codeChallenge: "challenge",
            familyID: "fam-1",
            authTime: now - 700,
            createdAt: now - 700,
            expiresAt: now - 640
        )
        code.consumedAt = now - 690
        try await store.insertAuthorizationCode(code)
        let item = try #require(
            try await client.call(
                "GetItem",
                ["TableName": .string(store.table), "Key": ["pk": ["S": "code#code-1"], "sk": ["S": "code"]]]
            )["Item"]
        )
        #expect(item["expires_at"]?["N"]?.stringValue == String(Int64((now - 40).timeIntervalSince1970.rounded(.up))))
        #expect(try await store.redeemAuthorizationCode(hash: "code-1", clientID: "client-a", now: now) == .unknown)
        // Expired 500 s ago, so still kept: a second redemption is reuse.
        var kept = code
        kept.codeHash = "code-2"
        kept.expiresAt = now - 500
        try await store.insertAuthorizationCode(kept)
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-2", clientID: "client-a", now: now) == .reused(kept)
        )

        try await store.insertUpstreamLogin(
            StoredUpstreamLogin(
                stateHash: "state-1",
                nonce: "n",
                codeVerifier: "v",
                sealedRequest: "s",
                browserHash: "b",
                createdAt: now - 600,
                expiresAt: now - 1
            )
        )
        #expect(try await store.takeUpstreamLogin(stateHash: "state-1", now: now) == nil)

        try await store.insertGrantFamily(
            StoredGrantFamily(
                id: "fam-1",
                clientID: "client-a",
                personID: "usr_alice",
                scope: "mcp:tools",
                resource: "https://mcp.example.com/mcp",
                authTime: now - 7200,
                currentTokenHash: "h0",
                createdAt: now - 7200,
                lastUsedAt: now - 7200,
                idleExpiresAt: now - 3600,
                absoluteExpiresAt: now + 86400
            )
        )
        #expect(try await store.grantFamily(id: "fam-1") == nil)

        try await DynamoDBServerStore.deleteTable(store.table, client: client)
    }
}
