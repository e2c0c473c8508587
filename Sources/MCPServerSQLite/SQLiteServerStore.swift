public import Logging
public import MCPServerCore
import MCPWire
import SQLiteNIO

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A ``ServerStore`` in one SQLite file: the server's embedded default.
///
/// The file is opened in WAL mode with `synchronous=FULL`, so a committed write survives `kill -9` (and
/// power loss), and other processes (`mcp-server clients ...`) can use the same file while the server
/// runs. The schema is versioned with `PRAGMA user_version`; each migration runs in its own transaction.
public struct SQLiteServerStore: ServerStore {
    private let connection: SQLiteConnection
    private let logger: Logger

    /// Opens (creating if needed) the database at `path`, then applies pending migrations.
    /// `":memory:"` opens a private in-memory database.
    ///
    /// The database, `-wal` and `-shm` are created 0600 before SQLite opens them (files too open are tightened),
    /// and a directory that other users can write is refused.
    public static func open(path: String, logger: Logger) async throws -> SQLiteServerStore {
        let storage: SQLiteConnection.Storage
        if path == ":memory:" {
            storage = .memory
        } else {
            // The file holds secrets' hashes and private keys: owner only, from the first byte, WAL included.
            do {
                try SQLiteFiles.prepare(databasePath: path)
            } catch let error as ServerStoreError {
                throw ServerStoreError.unavailable("cannot open \(path): \(error.detail)")
            }
            storage = .file(path: path)
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw ServerStoreError.unavailable("cannot open \(path): \(error)")
        }
        let store = SQLiteServerStore(connection: connection, logger: logger)
        do {
            try await store.configure(isFile: path != ":memory:")
            try await store.migrate()
        } catch {
            try? await connection.close()
            throw error
        }
        return store
    }

    /// When each table's expired rows were last deleted (shared by copies of this value: one connection, one file).
    let pruneSchedule = SQLitePruneSchedule()

    /// Rate-limit windows currently stored (ended ones included until the next prune); for tests.
    func rateLimitWindowCount() async throws -> Int {
        try await self.run("SELECT COUNT(*) AS n FROM rate_limits").first?.column("n")?.integer ?? 0
    }

    private init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public var description: String { "SQLiteServerStore" }

    private func configure(isFile: Bool) async throws {
        if isFile {
            _ = try await self.run("PRAGMA journal_mode=WAL")
        }
        _ = try await self.run("PRAGMA synchronous=FULL")
        _ = try await self.run("PRAGMA busy_timeout=5000")
    }

    /// The schema, one entry per version. Append; never edit a released entry.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE clients (
                id TEXT PRIMARY KEY NOT NULL,
                secret_hash TEXT NOT NULL,
                registration_token_hash TEXT NOT NULL,
                metadata TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
            """
            CREATE TABLE signing_keys (
                id TEXT PRIMARY KEY NOT NULL,
                algorithm TEXT NOT NULL,
                private_key_pem TEXT NOT NULL,
                created_at REAL NOT NULL,
                retired_at REAL
            )
            """,
            """
            CREATE TABLE rate_limits (
                key TEXT PRIMARY KEY NOT NULL,
                window_start REAL NOT NULL,
                count INTEGER NOT NULL
            )
            """,
        ],
        // 2: windows remember when they end, so the ones nobody comes back to can be pruned.
        [
            "ALTER TABLE rate_limits ADD COLUMN window_end REAL NOT NULL DEFAULT 0",
            "CREATE INDEX rate_limits_window_end ON rate_limits (window_end)",
        ],
        // 3: people sign in (authorization codes, refresh-token families, consents, upstream sign-ins).
        Self.signInMigration,
        // 4: single-use markers (revoked access-token ids, client-assertion ids).
        Self.claimsMigration,
        // 5: grant families remember the person's credential version, so a password change or sign-out ends them.
        // Families stored before read as 1, the version every person had then.
        ["ALTER TABLE grant_families ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 1"],
    ]

    /// The schema version this build writes.
    public static var schemaVersion: Int { Self.migrations.count }

    private func migrate() async throws {
        let current = try await self.run("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        guard current <= Self.migrations.count else {
            throw ServerStoreError.unavailable(
                "the database has schema version \(current); this build knows \(Self.migrations.count): upgrade mcp-server"
            )
        }
        for version in (current + 1)..<(Self.migrations.count + 1) {
            _ = try await self.run("BEGIN IMMEDIATE")
            do {
                // Another process may have migrated while this one waited for the lock.
                let now = try await self.run("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
                if now < version {
                    for statement in Self.migrations[version - 1] { _ = try await self.run(statement) }
                    _ = try await self.run("PRAGMA user_version = \(version)")
                }
                _ = try await self.run("COMMIT")
            } catch {
                _ = try? await self.run("ROLLBACK")
                throw error
            }
            self.logger.info("Migrated database", metadata: ["store.schema_version": "\(version)"])
        }
    }

    // MARK: - Clients

    public func insertClient(_ client: StoredClient) async throws {
        _ = try await self.run(
            """
            INSERT INTO clients (id, secret_hash, registration_token_hash, metadata, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .text(client.id), .text(client.secretHash), .text(client.registrationTokenHash),
                .text(client.metadata.serializedString()), .float(client.createdAt.timeIntervalSince1970),
                .float(client.updatedAt.timeIntervalSince1970),
            ]
        )
    }

    public func client(id: String) async throws -> StoredClient? {
        try await self.run("SELECT * FROM clients WHERE id = ?", [.text(id)]).first.map(Self.client(from:))
    }

    public func updateClient(_ client: StoredClient) async throws {
        let rows = try await self.run(
            """
            UPDATE clients SET secret_hash = ?, registration_token_hash = ?, metadata = ?, created_at = ?, updated_at = ?
            WHERE id = ? RETURNING id
            """,
            [
                .text(client.secretHash), .text(client.registrationTokenHash),
                .text(client.metadata.serializedString()),
                .float(client.createdAt.timeIntervalSince1970), .float(client.updatedAt.timeIntervalSince1970),
                .text(client.id),
            ]
        )
        guard !rows.isEmpty else { throw ServerStoreError.notFound }
    }

    public func deleteClient(id: String) async throws -> Bool {
        try await !self.run("DELETE FROM clients WHERE id = ? RETURNING id", [.text(id)]).isEmpty
    }

    public func listClients() async throws -> [StoredClient] {
        try await self.run("SELECT * FROM clients ORDER BY created_at, id").map(Self.client(from:))
    }

    private static func client(from row: SQLiteRow) throws -> StoredClient {
        guard let id = row.column("id")?.string, let secretHash = row.column("secret_hash")?.string,
            let tokenHash = row.column("registration_token_hash")?.string,
            let metadataText = row.column("metadata")?.string, let created = row.column("created_at")?.double,
            let updated = row.column("updated_at")?.double
        else { throw ServerStoreError.corruptRecord("clients row has missing columns") }
        let metadata: JSONValue
        do {
            metadata = try JSONValue(parsing: metadataText)
        } catch {
            throw ServerStoreError.corruptRecord("client \(id) has unreadable metadata")
        }
        return StoredClient(
            id: id,
            secretHash: secretHash,
            registrationTokenHash: tokenHash,
            metadata: metadata,
            createdAt: Date(timeIntervalSince1970: created),
            updatedAt: Date(timeIntervalSince1970: updated)
        )
    }

    // MARK: - Signing keys

    public func insertSigningKey(_ key: StoredSigningKey) async throws {
        _ = try await self.run(
            "INSERT INTO signing_keys (id, algorithm, private_key_pem, created_at, retired_at) VALUES (?, ?, ?, ?, ?)",
            [
                .text(key.id), .text(key.algorithm), .text(key.privateKeyPEM),
                .float(key.createdAt.timeIntervalSince1970),
                key.retiredAt.map { .float($0.timeIntervalSince1970) } ?? .null,
            ]
        )
    }

    public func updateSigningKey(_ key: StoredSigningKey) async throws {
        let rows = try await self.run(
            """
            UPDATE signing_keys SET algorithm = ?, private_key_pem = ?, created_at = ?, retired_at = ?
            WHERE id = ? RETURNING id
            """,
            [
                .text(key.algorithm), .text(key.privateKeyPEM), .float(key.createdAt.timeIntervalSince1970),
                key.retiredAt.map { .float($0.timeIntervalSince1970) } ?? .null, .text(key.id),
            ]
        )
        guard !rows.isEmpty else { throw ServerStoreError.notFound }
    }

    public func deleteSigningKey(id: String) async throws -> Bool {
        try await !self.run("DELETE FROM signing_keys WHERE id = ? RETURNING id", [.text(id)]).isEmpty
    }

    public func signingKeys() async throws -> [StoredSigningKey] {
        try await self.run("SELECT * FROM signing_keys ORDER BY created_at DESC, id DESC").map { row in
            guard let id = row.column("id")?.string, let algorithm = row.column("algorithm")?.string,
                let pem = row.column("private_key_pem")?.string, let created = row.column("created_at")?.double
            else { throw ServerStoreError.corruptRecord("signing_keys row has missing columns") }
            return StoredSigningKey(
                id: id,
                algorithm: algorithm,
                privateKeyPEM: pem,
                createdAt: Date(timeIntervalSince1970: created),
                retiredAt: row.column("retired_at")?.double.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    // MARK: - Rate limits

    public func consumeRateLimit(key: String, limit: Int, window: Duration, now: Date) async throws -> RateLimitDecision
    {
        let (start, end) = RateLimitDecision.window(containing: now, length: window)
        // One statement, so concurrent hits (from this or another process) never lose a count.
        let rows = try await self.run(
            """
            INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
            ON CONFLICT(key) DO UPDATE SET
                count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
                window_start = excluded.window_start,
                window_end = excluded.window_end
            RETURNING count
            """,
            [.text(key), .float(start.timeIntervalSince1970), .float(end.timeIntervalSince1970)]
        )
        let count = rows.first?.column("count")?.integer ?? 1
        // Every caller leaves a row; once a window has passed without a prune, drop every window that has ended
        // (an indexed delete, at most once per window length, so a flood of addresses cannot grow the file).
        try await self.pruneIfDue(.rateLimits, now: now, interval: end.timeIntervalSince(start))
        return RateLimitDecision(allowed: count <= limit, count: count, resetAt: end)
    }

    // MARK: - Plumbing

    /// Runs SQLite's `PRAGMA integrity_check`; `true` when the file is sound.
    public func integrityCheck() async throws -> Bool {
        try await self.run("PRAGMA integrity_check").first?.column("integrity_check")?.string == "ok"
    }

    /// The schema version recorded in the file.
    public func storedSchemaVersion() async throws -> Int {
        try await self.run("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
    }

    public func shutdown() async throws {
        // Closed whatever happens to the caller: a cancelled shutdown must not leave the file open (SQLiteNIO traps
        // on a connection that is deinitialised open).
        let connection = self.connection
        try await Task { try await connection.close() }.value
        self.logger.debug("Closed database")
    }

    /// Runs one statement, translating SQLite errors into ``ServerStoreError`` so nothing SQLite-specific
    /// reaches the server core.
    func run(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        do {
            return try await self.connection.query(sql, binds)
        } catch let error as SQLiteError {
            switch error.reason {
            case .constraintPrimaryKeyFailed, .constraintUniqueFailed: throw ServerStoreError.duplicate
            default: throw ServerStoreError.unavailable("\(error)")
            }
        }
    }
}
