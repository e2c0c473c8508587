import Foundation
import Logging
import MCPServerCore
import MCPServerSQLite
import ServerStoreContract
import Testing

/// The SQLite store keeps the sign-in contract in memory (`:memory:`) and in a file.
@Suite("SignInStore contract: SQLite")
struct SQLiteSignInStoreContractTests {
    enum Location: String, CaseIterable, Sendable {
        case memory
        case file
    }

    @Test(arguments: Location.allCases, SignInStoreContract.checks)
    func contract(_ location: Location, _ check: SignInStoreContractCheck) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = location == .memory ? ":memory:" : directory.appendingPathComponent("db.sqlite").path
        try await check.run(on: SQLiteServerStore.open(path: path, logger: Logger(label: "test")))
    }
}
