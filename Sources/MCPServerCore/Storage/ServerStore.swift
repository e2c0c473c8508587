public import ServiceLifecycle

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Everything the server keeps between requests: registered OAuth clients, JWT signing keys, rate-limit
/// counters, and what signing people in needs (``SignInStore``).
///
/// The server reaches storage only through this protocol. Backends: ``InMemoryServerStore`` (tests),
/// `SQLiteServerStore` (the embedded default; `--database :memory:` keeps it in memory) and
/// `DynamoDBServerStore` (`--store dynamodb`, the default on Lambda). Every backend must pass the same contract
/// test suite. A store is a `Service`: the application shuts it down after the
/// HTTP server has stopped, so no request is left without its database.
public protocol ServerStore: Service, CustomStringConvertible, SignInStore {
    /// Saves a new client.
    /// - Throws: ``ServerStoreError/duplicate`` when a client with the same id exists.
    func insertClient(_ client: StoredClient) async throws
    /// The client with `id`, or `nil`.
    func client(id: String) async throws -> StoredClient?
    /// Replaces a client's record.
    /// - Throws: ``ServerStoreError/notFound`` when there is no client with that id.
    func updateClient(_ client: StoredClient) async throws
    /// Removes a client; `false` when there was none.
    func deleteClient(id: String) async throws -> Bool
    /// Every client, oldest first.
    func listClients() async throws -> [StoredClient]

    /// Saves a new signing key.
    /// - Throws: ``ServerStoreError/duplicate`` when a key with the same id exists.
    func insertSigningKey(_ key: StoredSigningKey) async throws
    /// Replaces a signing key's record (to retire it).
    /// - Throws: ``ServerStoreError/notFound`` when there is no key with that id.
    func updateSigningKey(_ key: StoredSigningKey) async throws
    /// Removes a signing key; `false` when there was none.
    func deleteSigningKey(id: String) async throws -> Bool
    /// Every signing key, newest first.
    func signingKeys() async throws -> [StoredSigningKey]

    /// Counts one hit against `key` in the fixed window that contains `now`, atomically.
    /// - Returns: whether the hit is within `limit`, and when the window ends.
    func consumeRateLimit(key: String, limit: Int, window: Duration, now: Date) async throws -> RateLimitDecision

    /// Releases the backend (closes files and connections). Called once, after the server has stopped.
    func shutdown() async throws
}

extension ServerStore {
    /// Waits for graceful shutdown, then calls ``shutdown()``.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.shutdown()
    }
}

/// Errors every ``ServerStore`` backend reports the same way.
public struct ServerStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case duplicate
        case notFound
        case corruptRecord
        case unavailable
    }

    private let code: Code
    /// Details for the server log; never shown to clients.
    public let detail: String

    private init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    /// A record with the same id exists.
    public static let duplicate = Self(.duplicate)
    /// No record has that id.
    public static let notFound = Self(.notFound)
    /// A stored record could not be read.
    public static func corruptRecord(_ detail: String) -> Self { Self(.corruptRecord, detail) }
    /// The backend failed (disk, network, locks).
    public static func unavailable(_ detail: String) -> Self { Self(.unavailable, detail) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    public var description: String {
        self.detail.isEmpty ? "\(self.code)" : "\(self.code): \(self.detail)"
    }
}
