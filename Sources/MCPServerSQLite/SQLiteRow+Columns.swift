import MCPServerCore
import SQLiteNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Typed column reads that report a missing or mistyped column as a corrupt record, naming the table.
extension SQLiteRow {
    func text(_ column: String, in table: String) throws -> String {
        guard let value = self.column(column)?.string else { throw Self.corrupt(table, column) }
        return value
    }

    func optionalText(_ column: String) -> String? {
        self.column(column)?.string
    }

    func integer(_ column: String, in table: String) throws -> Int {
        guard let value = self.column(column)?.integer else { throw Self.corrupt(table, column) }
        return value
    }

    func date(_ column: String, in table: String) throws -> Date {
        guard let value = self.column(column)?.double else { throw Self.corrupt(table, column) }
        return Date(timeIntervalSince1970: value)
    }

    func optionalDate(_ column: String) -> Date? {
        self.column(column)?.double.map(Date.init(timeIntervalSince1970:))
    }

    private static func corrupt(_ table: String, _ column: String) -> ServerStoreError {
        .corruptRecord("\(table) row has a missing or unreadable \(column)")
    }
}

extension SQLiteData {
    /// A time as SQLite stores it here: seconds since 1970, as a REAL.
    static func date(_ date: Date) -> Self {
        .float(date.timeIntervalSince1970)
    }

    static func optionalDate(_ date: Date?) -> Self {
        date.map { .float($0.timeIntervalSince1970) } ?? .null
    }

    static func optionalText(_ text: String?) -> Self {
        text.map { .text($0) } ?? .null
    }
}
