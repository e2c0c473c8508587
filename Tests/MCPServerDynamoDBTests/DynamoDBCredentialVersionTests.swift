import Foundation
import Logging
import MCPServerAWS
import MCPServerCore
import MCPWire
import RemoteMCPTestSupport
import ServerStoreContract
import Testing

@testable import MCPServerDynamoDB

/// Grant-family items written before families carried a credential version have no `credential_version`
/// attribute; they read as version 1, the version every person had then, and keep reading so after a rotation.
@Suite("DynamoDB store: families without a credential version", .needsMoto)
struct DynamoDBCredentialVersionTests {
    @Test("a family item without credential_version reads as version 1, before and after a rotation")
    func familiesWithoutTheAttributeReadAsVersion1() async throws {
        let logger = Logger(label: "test")
        let store = try await MotoTable.freshStore(logger: logger)
        let client = try MotoTable.client(logger: logger)
        // Whole seconds, as the store writes them; the absolute expiry far enough ahead for moto's TTL.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var family = SignInStoreContract.sampleFamily("old")
        family.credentialVersion = 5
        family.createdAt = now
        family.lastUsedAt = now
        family.idleExpiresAt = now + 3600
        family.absoluteExpiresAt = now + 86400
        var item = DynamoDBServerStore.item(family).objectValue ?? [:]
        #expect(item["credential_version"]?["N"] == "5")
        item["credential_version"] = nil
        _ = try await client.call("PutItem", ["TableName": .string(store.table), "Item": .object(item)])

        #expect(try await store.grantFamily(id: "old")?.credentialVersion == 1)
        guard
            case .rotated(let rotated) = try await store.rotateRefreshToken(
                familyID: "old",
                clientID: family.clientID,
                presentedHash: "h0",
                newHash: "h1",
                now: now + 1,
                idleLifetime: .seconds(3600)
            )
        else {
            Issue.record("the old family did not rotate")
            try await DynamoDBServerStore.deleteTable(store.table, client: client)
            return
        }
        #expect(rotated.credentialVersion == 1)
        try await DynamoDBServerStore.deleteTable(store.table, client: client)
    }
}
