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
