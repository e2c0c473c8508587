public import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Single-use markers (`pk = "claim#<key>", sk = "claim"`), each claimed by one conditional `PutItem`.
///
/// A partition key holds at most 2 KiB, so a longer key is stored by its SHA-256 (`pk = "claimh#<hash>"`), which
/// no short key can collide with.
extension DynamoDBServerStore {
    /// The longest key stored as it is.
    static let claimKeyLimit = 1024

    static func claimPartition(_ key: String) -> String {
        key.utf8.count <= Self.claimKeyLimit ? "claim#\(key)" : "claimh#\(SecretToken.hash(key))"
    }

    public func claimOnce(key: String, expiresAt: Date, now: Date) async throws -> Bool {
        let item: JSONValue = [
            "pk": Self.s(Self.claimPartition(key)), "sk": Self.s("claim"), "claim_expires_at": Self.n(expiresAt),
            "expires_at": Self.ttl(expiresAt),
        ]
        // A live claim fails the condition; an expired one (TTL purges lazily) is overwritten.
        return try await self.put(
            item,
            condition: "attribute_not_exists(#pk) OR #claim_expires_at <= :now",
            values: [":now": Self.n(now)]
        )
    }

    public func isClaimed(key: String, now: Date) async throws -> Bool {
        guard let item = try await self.get(pk: Self.claimPartition(key), sk: "claim"),
            let expires = Self.date(item["claim_expires_at"])
        else { return false }
        return now < expires
    }
}
