#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A ``ServerStore`` kept in memory, for tests. (`--database :memory:` is SQLite's own in-memory database.)
public actor InMemoryServerStore: ServerStore {
    private var clients: [String: StoredClient] = [:]
    private var keys: [String: StoredSigningKey] = [:]
    private var counters: [String: (windowStart: Date, count: Int)] = [:]
    /// People, codes, grant families, consents and upstream sign-ins (``SignInStore``, in
    /// `InMemoryServerStore+SignIn.swift`). The actor serializes every operation, so each is atomic.
    var signIn = InMemorySignInTables()

    public init() {}

    public nonisolated var description: String { "InMemoryServerStore" }

    public func insertClient(_ client: StoredClient) throws {
        guard self.clients[client.id] == nil else { throw ServerStoreError.duplicate }
        self.clients[client.id] = client
    }

    public func client(id: String) -> StoredClient? {
        self.clients[id]
    }

    public func updateClient(_ client: StoredClient) throws {
        guard self.clients[client.id] != nil else { throw ServerStoreError.notFound }
        self.clients[client.id] = client
    }

    public func deleteClient(id: String) -> Bool {
        self.clients.removeValue(forKey: id) != nil
    }

    public func listClients() -> [StoredClient] {
        self.clients.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func insertSigningKey(_ key: StoredSigningKey) throws {
        guard self.keys[key.id] == nil else { throw ServerStoreError.duplicate }
        self.keys[key.id] = key
    }

    public func updateSigningKey(_ key: StoredSigningKey) throws {
        guard self.keys[key.id] != nil else { throw ServerStoreError.notFound }
        self.keys[key.id] = key
    }

    public func deleteSigningKey(id: String) -> Bool {
        self.keys.removeValue(forKey: id) != nil
    }

    public func signingKeys() -> [StoredSigningKey] {
        self.keys.values.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    public func consumeRateLimit(key: String, limit: Int, window: Duration, now: Date) -> RateLimitDecision {
        let (start, end) = RateLimitDecision.window(containing: now, length: window)
        var entry = self.counters[key] ?? (start, 0)
        if entry.windowStart != start { entry = (start, 0) }
        entry.count += 1
        self.counters[key] = entry
        // Forget windows that have ended, so the table does not grow with every address ever seen.
        if self.counters.count > 10_000 {
            self.counters = self.counters.filter { $0.value.windowStart >= start }
        }
        return RateLimitDecision(allowed: entry.count <= limit, count: entry.count, resetAt: end)
    }

    public func shutdown() {}
}
