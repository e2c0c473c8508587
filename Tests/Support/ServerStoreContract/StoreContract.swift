public import Foundation
public import MCPServerCore
import MCPWire
import Testing

/// What every ``ServerStore`` backend must do. Each backend's test target runs every check against it:
///
/// ```swift
/// @Test(arguments: StoreContract.checks)
/// func contract(_ check: StoreContractCheck) async throws {
///     try await check.run(on: InMemoryServerStore())
/// }
/// ```
///
/// Add a check here when the store learns something new; add a test target when you add a backend.
public enum StoreContract {
    public static let checks: [StoreContractCheck] = [
        StoreContractCheck(name: "clients round-trip", body: Self.clientsRoundTrip),
        StoreContractCheck(
            name: "a duplicate insert throws and keeps the original",
            body: Self.duplicateInsertThrowsAndKeepsTheOriginal
        ),
        StoreContractCheck(
            name: "update replaces; an unknown client is not found",
            body: Self.updateReplacesAndUnknownIsNotFound
        ),
        StoreContractCheck(name: "delete and list", body: Self.deleteAndList),
        StoreContractCheck(
            name: "signing keys newest first, retired and deleted",
            body: Self.signingKeysNewestFirstAndRetire
        ),
        StoreContractCheck(
            name: "rate limits count per window and key",
            body: Self.rateLimitCountsPerWindowAndKey
        ),
        StoreContractCheck(name: "concurrent writes lose nothing", body: Self.concurrentWritesLoseNothing),
    ]

    /// A client as the authorization server stores one.
    public static func sampleClient(_ id: String, at seconds: TimeInterval = 1_700_000_000) -> StoredClient {
        StoredClient(
            id: id,
            secretHash: "secret-hash-\(id)",
            registrationTokenHash: "rat-hash-\(id)",
            metadata: ["client_name": .string("Client \(id)"), "grant_types": ["client_credentials"], "n": 1.50],
            createdAt: Date(timeIntervalSince1970: seconds),
            updatedAt: Date(timeIntervalSince1970: seconds)
        )
    }

    static func clientsRoundTrip(_ store: any ServerStore) async throws {
        let client = Self.sampleClient("c1")
        try await store.insertClient(client)
        #expect(try await store.client(id: "c1") == client)
        #expect(try await store.client(id: "nope") == nil)
    }

    static func duplicateInsertThrowsAndKeepsTheOriginal(_ store: any ServerStore) async throws {
        try await store.insertClient(Self.sampleClient("c1"))
        var other = Self.sampleClient("c1")
        other.secretHash = "different"
        await #expect(throws: ServerStoreError.duplicate) { try await store.insertClient(other) }
        #expect(try await store.client(id: "c1")?.secretHash == "secret-hash-c1")
    }

    static func updateReplacesAndUnknownIsNotFound(_ store: any ServerStore) async throws {
        try await store.insertClient(Self.sampleClient("c1"))
        var changed = Self.sampleClient("c1")
        changed.metadata = ["client_name": "renamed"]
        changed.updatedAt = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.updateClient(changed)
        #expect(try await store.client(id: "c1") == changed)
        await #expect(throws: ServerStoreError.notFound) { try await store.updateClient(Self.sampleClient("ghost")) }
        #expect(try await store.client(id: "ghost") == nil)
    }

    static func deleteAndList(_ store: any ServerStore) async throws {
        try await store.insertClient(Self.sampleClient("b", at: 2))
        try await store.insertClient(Self.sampleClient("a", at: 1))
        try await store.insertClient(Self.sampleClient("c", at: 3))
        #expect(try await store.listClients().map(\.id) == ["a", "b", "c"])
        #expect(try await store.deleteClient(id: "b"))
        #expect(try await !store.deleteClient(id: "b"))
        #expect(try await store.listClients().map(\.id) == ["a", "c"])
    }

    static func signingKeysNewestFirstAndRetire(_ store: any ServerStore) async throws {
        let old = StoredSigningKey(
            id: "k1",
            algorithm: "ES256",
            privateKeyPEM: "pem1",
            createdAt: Date(timeIntervalSince1970: 10)
        )
        let new = StoredSigningKey(
            id: "k2",
            algorithm: "ES256",
            privateKeyPEM: "pem2",
            createdAt: Date(timeIntervalSince1970: 20)
        )
        try await store.insertSigningKey(old)
        try await store.insertSigningKey(new)
        await #expect(throws: ServerStoreError.duplicate) { try await store.insertSigningKey(old) }
        #expect(try await store.signingKeys().map(\.id) == ["k2", "k1"])
        var retired = old
        retired.retiredAt = Date(timeIntervalSince1970: 30)
        try await store.updateSigningKey(retired)
        #expect(try await store.signingKeys().last == retired)
        #expect(try await store.deleteSigningKey(id: "k1"))
        #expect(try await store.signingKeys() == [new])
        await #expect(throws: ServerStoreError.notFound) { try await store.updateSigningKey(retired) }
    }

    static func rateLimitCountsPerWindowAndKey(_ store: any ServerStore) async throws {
        let start = Date(timeIntervalSince1970: 1_700_000_040)
        var decisions: [RateLimitDecision] = []
        for _ in 0..<4 {
            decisions.append(try await store.consumeRateLimit(key: "ip:1", limit: 3, window: .seconds(60), now: start))
        }
        #expect(decisions.map(\.allowed) == [true, true, true, false])
        #expect(decisions.map(\.count) == [1, 2, 3, 4])
        #expect(decisions[3].resetAt == Date(timeIntervalSince1970: 1_700_000_100))
        let other = try await store.consumeRateLimit(key: "ip:2", limit: 3, window: .seconds(60), now: start)
        #expect(other.count == 1)
        let nextWindow = try await store.consumeRateLimit(key: "ip:1", limit: 3, window: .seconds(60), now: start + 60)
        #expect(nextWindow.allowed && nextWindow.count == 1)
    }

    static func concurrentWritesLoseNothing(_ store: any ServerStore) async throws {
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await store.insertClient(Self.sampleClient("p\(index)", at: Double(index)))
                    return try await store.consumeRateLimit(
                        key: "shared",
                        limit: 1000,
                        window: .seconds(3600),
                        now: Date()
                    ).count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(counts) == Set(1...100))
        #expect(try await store.listClients().count == 100)
    }
}
