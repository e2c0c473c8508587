import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import MCPServerCore

/// The per-URL cache behind document, discovery and key-set fetches.
@Suite("Outbound: fetch cache")
struct FetchCacheTests {
    struct Failure: Error {}

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A loader that counts its calls and answers `value` (or fails) with `lifetime`.
    final class Loader: Sendable {
        let calls = NIOLockedValueBox(0)
        let lifetime: Duration
        let fails: Bool

        init(lifetime: Duration, fails: Bool = false) {
            self.lifetime = lifetime
            self.fails = fails
        }

        func load() async -> FetchCache<Int>.Loaded {
            let call = self.calls.withLockedValue {
                $0 += 1
                return $0
            }
            await Task.yield()
            return .init(result: self.fails ? .failure(Failure()) : .success(call), lifetime: self.lifetime)
        }
    }

    @Test("a fresh value is reused; an expired one is loaded again")
    func freshness() async throws {
        let cache = FetchCache<Int>(capacity: 10)
        let loader = Loader(lifetime: .seconds(60))
        #expect(try await cache.value(for: "a", now: Self.start) { await loader.load() } == 1)
        #expect(try await cache.value(for: "a", now: Self.start + 59) { await loader.load() } == 1)
        #expect(try await cache.value(for: "a", now: Self.start + 60) { await loader.load() } == 2)
        #expect(loader.calls.withLockedValue { $0 } == 2)
    }

    @Test("concurrent requests for one key share one load")
    func sharedLoad() async throws {
        let cache = FetchCache<Int>(capacity: 10)
        let loader = Loader(lifetime: .seconds(60))
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.value(for: "a", now: Self.start) { await loader.load() } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 20))
        #expect(loader.calls.withLockedValue { $0 } == 1)
    }

    @Test("a failure is remembered for its short lifetime, then tried again")
    func failures() async throws {
        let cache = FetchCache<Int>(capacity: 10)
        let loader = Loader(lifetime: .seconds(5), fails: true)
        for offset in [0.0, 4.0] {
            await #expect(throws: Failure.self) {
                try await cache.value(for: "a", now: Self.start + offset) { await loader.load() }
            }
        }
        #expect(loader.calls.withLockedValue { $0 } == 1)
        await #expect(throws: Failure.self) {
            try await cache.value(for: "a", now: Self.start + 5) { await loader.load() }
        }
        #expect(loader.calls.withLockedValue { $0 } == 2)
    }

    @Test("a zero lifetime (no-store) is never reused")
    func noStore() async throws {
        let cache = FetchCache<Int>(capacity: 10)
        let loader = Loader(lifetime: .zero)
        #expect(try await cache.value(for: "a", now: Self.start) { await loader.load() } == 1)
        #expect(try await cache.value(for: "a", now: Self.start) { await loader.load() } == 2)
        #expect(await cache.count == 0)
    }

    @Test("the cache holds at most its capacity, dropping what expires soonest")
    func capacity() async throws {
        let cache = FetchCache<Int>(capacity: 2)
        for (key, lifetime) in [("a", 100), ("b", 10), ("c", 50)] {
            let loader = Loader(lifetime: .seconds(lifetime))
            _ = try await cache.value(for: key, now: Self.start) { await loader.load() }
        }
        #expect(await cache.count == 2)
        let loader = Loader(lifetime: .seconds(60))
        _ = try await cache.value(for: "b", now: Self.start) { await loader.load() }
        #expect(loader.calls.withLockedValue { $0 } == 1, "b, the soonest to expire, was dropped")
    }

    @Test("a fresh entry is reloaded on demand only once it is older than the interval")
    func refreshInterval() async throws {
        let cache = FetchCache<Int>(capacity: 10)
        let loader = Loader(lifetime: .seconds(3_600))
        _ = try await cache.value(for: "k", now: Self.start) { await loader.load() }
        let soon = try await cache.value(for: "k", now: Self.start + 10, refreshingIfOlderThan: .seconds(30)) {
            await loader.load()
        }
        #expect(soon == 1)
        let later = try await cache.value(for: "k", now: Self.start + 31, refreshingIfOlderThan: .seconds(30)) {
            await loader.load()
        }
        #expect(later == 2)
    }
}
