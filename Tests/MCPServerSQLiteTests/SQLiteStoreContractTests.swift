import Foundation
import Logging
import MCPServerCore
import MCPServerSQLite
import ServerStoreContract
import Testing

/// The SQLite store keeps the contract in memory (`:memory:`, as `--database :memory:` runs) and in a file.
@Suite("ServerStore contract: SQLite")
struct SQLiteStoreContractTests {
    enum Location: String, CaseIterable, Sendable {
        case memory
        case file
    }

    @Test(arguments: Location.allCases, StoreContract.checks)
    func contract(_ location: Location, _ check: StoreContractCheck) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = location == .memory ? ":memory:" : directory.appendingPathComponent("db.sqlite").path
        try await check.run(on: SQLiteServerStore.open(path: path, logger: Logger(label: "test")))
    }
}
