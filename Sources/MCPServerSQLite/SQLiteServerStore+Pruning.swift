import SQLiteNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteServerStore {
    /// How often a table's expired rows are deleted, at most.
    static let pruneInterval: TimeInterval = 60
    /// How long a code row outlives its expiry, so that a late second redemption is still reported as reuse.
    static let codeRetention: TimeInterval = 600

    /// Deletes `table`'s expired rows when its prune is due (at most once per `interval`): an indexed delete,
    /// run by a write, so no timer is needed and a flood of new rows cannot grow the file.
    func pruneIfDue(
        _ table: SQLitePruneSchedule.Table,
        now: Date,
        interval: TimeInterval = SQLiteServerStore.pruneInterval
    ) async throws {
        guard self.pruneSchedule.claim(table, now: now, interval: interval) else { return }
        let seconds = now.timeIntervalSince1970
        switch table {
        case .rateLimits:
            _ = try await self.run("DELETE FROM rate_limits WHERE window_end <= ?", [.float(seconds)])
        case .authorizationCodes:
            _ = try await self.run(
                "DELETE FROM authorization_codes WHERE expires_at <= ?",
                [.float(seconds - Self.codeRetention)]
            )
        case .grantFamilies:
            // The idle expiry never passes the absolute one: past it, a family can never rotate again.
            _ = try await self.run("DELETE FROM grant_families WHERE idle_expires_at <= ?", [.float(seconds)])
        case .upstreamLogins:
            _ = try await self.run("DELETE FROM upstream_logins WHERE expires_at <= ?", [.float(seconds)])
        case .claims:
            _ = try await self.run("DELETE FROM claims WHERE expires_at <= ?", [.float(seconds)])
        }
    }

    /// Rows in `table`, expired ones included until the next prune; for tests.
    func rowCount(_ table: SQLitePruneSchedule.Table) async throws -> Int {
        let name =
            switch table {
            case .rateLimits: "rate_limits"
            case .authorizationCodes: "authorization_codes"
            case .grantFamilies: "grant_families"
            case .upstreamLogins: "upstream_logins"
            case .claims: "claims"
            }
        return try await self.run("SELECT COUNT(*) AS n FROM \(name)").first?.column("n")?.integer ?? 0
    }
}
