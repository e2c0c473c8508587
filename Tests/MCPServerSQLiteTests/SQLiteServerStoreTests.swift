import Foundation
import Logging
import MCPServerCore
import MCPServerSQLite
import RemoteMCPTestSupport
import SQLiteNIO
import ServerStoreContract
import Testing

@Suite("SQLite store", .childProcesses)
struct SQLiteServerStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)")

    @Test func dataSurvivesReopeningAndMigrationsRunOnce() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = self.directory.appendingPathComponent("nested/db.sqlite").path
        let first = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        try await first.insertClient(StoreContract.sampleClient("kept"))
        try await first.shutdown()
        let second = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await second.client(id: "kept") == StoreContract.sampleClient("kept"))
        #expect(try await second.storedSchemaVersion() == SQLiteServerStore.schemaVersion)
        #expect(try await second.integrityCheck())
        try await second.shutdown()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func aDatabaseFromANewerBuildIsRefused() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = self.directory.appendingPathComponent("db.sqlite").path
        let store = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        try await store.shutdown()
        // Simulate a future schema by bumping user_version with a connection of our own.
        try await Self.setUserVersion(path: path, to: 99)
        await #expect(throws: ServerStoreError.self) {
            try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        }
    }

    static func setUserVersion(path: String, to version: Int) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            _ = try await connection.query("PRAGMA user_version = \(version)")
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
    }

    @Test(.timeLimit(.minutes(2)))
    func killMinus9MidWriteLeavesAnIntactFileWithEveryCommittedRow() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let path = self.directory.appendingPathComponent("crash.sqlite").path
        let probe = try ChildProcess(BuiltProduct.url(named: "StoreCrashProbe"), [path])
        // The probe prints each id once its insert returned (…-1, …-2, …); kill it mid-write after the 300th.
        try await probe.stdout.line { $0.hasSuffix("-300") }
        probe.signal(SIGKILL)
        #expect(await probe.waitForExit() == SIGKILL)
        let committed = probe.stdout.lines

        let store = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await store.integrityCheck())
        let stored = Set(try await store.listClients().map(\.id))
        #expect(committed.count >= 300)
        #expect(committed.allSatisfy(stored.contains))
        try await store.shutdown()
    }
}
