public import MCPServerCore
import SQLiteNIO

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension SQLiteServerStore {
    /// Migration 4: single-use markers, one row per claimed key until it expires.
    static let claimsMigration = [
        "CREATE TABLE claims (key TEXT PRIMARY KEY NOT NULL, expires_at REAL NOT NULL)",
        "CREATE INDEX claims_expires_at ON claims (expires_at)",
    ]

    // MARK: - Single-use markers

    public func claimOnce(key: String, expiresAt: Date, now: Date) async throws -> Bool {
        // One statement decides: a new key inserts; an expired claim is taken over by the update; a live claim makes
        // the conditional update a no-op, and an upsert that changes nothing returns no row.
        let rows = try await self.run(
            """
            INSERT INTO claims (key, expires_at) VALUES (?1, ?2)
            ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?3
            RETURNING key
            """,
            [.text(key), .date(expiresAt), .date(now)]
        )
        try await self.pruneIfDue(.claims, now: now)
        return !rows.isEmpty
    }

    public func isClaimed(key: String, now: Date) async throws -> Bool {
        try await !self.run("SELECT key FROM claims WHERE key = ? AND expires_at > ?", [.text(key), .date(now)])
            .isEmpty
    }
}
