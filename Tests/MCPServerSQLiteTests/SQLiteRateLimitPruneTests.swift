import Foundation
import Logging
import MCPServerCore
import Testing

@testable import MCPServerSQLite

/// Every caller leaves a rate-limit row; the ones whose window has ended must not stay forever.
@Suite("SQLite rate-limit pruning")
struct SQLiteRateLimitPruneTests {
    @Test func windowsThatHaveEndedArePruned() async throws {
        let store = try await SQLiteServerStore.open(path: ":memory:", logger: Logger(label: "test"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<500 {
            _ = try await store.consumeRateLimit(
                key: "token:fail:198.51.\(index / 256).\(index % 256)",
                limit: 5,
                window: .seconds(60),
                now: start
            )
        }
        #expect(try await store.rateLimitWindowCount() == 500)
        // Within the window nothing is pruned, and counts go on.
        let again = try await store.consumeRateLimit(
            key: "token:fail:198.51.0.0",
            limit: 5,
            window: .seconds(60),
            now: start.addingTimeInterval(30)
        )
        #expect(again.count == 2)
        #expect(try await store.rateLimitWindowCount() == 500)
        // A minute later, one new hit sweeps away every window that ended.
        let later = try await store.consumeRateLimit(
            key: "dcr:ip:203.0.113.1",
            limit: 5,
            window: .seconds(60),
            now: start.addingTimeInterval(61)
        )
        #expect(later.count == 1)
        #expect(try await store.rateLimitWindowCount() == 1)
        try await store.shutdown()
    }
}
