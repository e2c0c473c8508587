#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Fetched things by URL, each kept for the lifetime its loader says, with concurrent requests for one URL
/// sharing one fetch.
///
/// A shared fetch runs in its own task, not in the task of the request that started it: a first requester that
/// goes away (a closed browser tab) must not fail the others waiting on the same fetch. That task is bounded by
/// the fetch's own timeout. Failures are cached too, for the (short) lifetime the loader gives them, so a
/// broken URL is not fetched again on every request, and a fixed one is picked up soon.
///
/// The number of entries is bounded: when full, expired entries go first, then the ones that expire soonest.
actor FetchCache<Value: Sendable> {
    /// What a load produced and how long to keep it (zero: do not keep).
    struct Loaded: Sendable {
        var result: Result<Value, any Error>
        var lifetime: Duration
    }

    private struct Entry {
        var result: Result<Value, any Error>
        var storedAt: Date
        var expiresAt: Date
    }

    private var entries: [String: Entry] = [:]
    private var loading: [String: Task<Loaded, Never>] = [:]
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value for `key`: cached while fresh at `now`, else from `load` (shared with concurrent callers).
    /// - Parameter refreshingIfOlderThan: also reload a fresh entry stored longer ago than this (a key set that
    ///   lacks the key a token names), so reloads happen at most once per that interval.
    func value(
        for key: String,
        now: Date,
        refreshingIfOlderThan minimumAge: Duration? = nil,
        load: @escaping @Sendable () async -> Loaded
    ) async throws -> Value {
        if let entry = self.entries[key], entry.expiresAt > now {
            let isStale = minimumAge.map { entry.storedAt.addingTimeInterval($0.timeInterval) <= now } ?? false
            if !isStale { return try entry.result.get() }
        }
        if let running = self.loading[key] { return try await running.value.result.get() }
        let task = Task {
            let loaded = await load()
            await self.finish(key, loaded, now: now)
            return loaded
        }
        self.loading[key] = task
        return try await task.value.result.get()
    }

    /// Forgets `key`.
    func remove(_ key: String) {
        self.entries[key] = nil
    }

    /// The number of entries kept (tests).
    var count: Int { self.entries.count }

    private func finish(_ key: String, _ loaded: Loaded, now: Date) {
        self.loading[key] = nil
        guard loaded.lifetime > .zero else {
            self.entries[key] = nil
            return
        }
        if self.entries[key] == nil, self.entries.count >= self.capacity { self.makeRoom(now: now) }
        self.entries[key] = Entry(
            result: loaded.result,
            storedAt: now,
            expiresAt: now.addingTimeInterval(loaded.lifetime.timeInterval)
        )
    }

    private func makeRoom(now: Date) {
        self.entries = self.entries.filter { $0.value.expiresAt > now }
        while self.entries.count >= self.capacity,
            let soonest = self.entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key
        {
            self.entries[soonest] = nil
        }
    }
}
