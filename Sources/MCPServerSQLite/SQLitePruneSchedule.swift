import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// When each table's expired rows were last deleted, so that writes prune at most once per interval.
///
/// Rows that expire are written by whoever comes along (rate-limit windows by every address, codes and
/// sign-ins by every browser); nobody comes back for most of them. A write that finds its table's prune due
/// claims it and runs one indexed `DELETE`, so the file cannot grow with traffic and no timer is needed.
/// Shared by copies of the store (one connection, one file).
struct SQLitePruneSchedule: Sendable {
    enum Table: Hashable, Sendable {
        case rateLimits
        case authorizationCodes
        case grantFamilies
        case upstreamLogins
        case claims
    }

    private let lastPrune = NIOLockedValueBox<[Table: Date]>([:])

    /// `true` (and the prune is recorded as done at `now`) when `table` was last pruned `interval` or more
    /// before `now`, or never.
    func claim(_ table: Table, now: Date, interval: TimeInterval) -> Bool {
        self.lastPrune.withLockedValue { last in
            if let previous = last[table], now.timeIntervalSince(previous) < interval { return false }
            last[table] = now
            return true
        }
    }
}
