import Foundation
import Logging
import MCPServerCore
import MCPServerSQLite
import ServerStoreContract
import Testing

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The database holds client secrets' hashes and the ES256 signing key, and SQLite writes both into the WAL first:
/// all three files must be private from their first byte, and the directory must not let others swap them.
@Suite("SQLite file modes")
struct SQLiteFileModeTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-mode-\(UUID().uuidString)")
    var path: String { self.directory.appendingPathComponent("db.sqlite").path }

    static let key = StoredSigningKey(
        id: "k1",
        algorithm: "ES256",
        privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----",
        createdAt: Date(timeIntervalSince1970: 10)
    )

    /// A directory with `mode`, set explicitly so the umask does not change it.
    func makeDirectory(mode: Int) throws {
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: self.directory.path)
    }

    func mode(_ file: String) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
    }

    @Test("a fresh database in a 0755 directory under umask 022: database, -wal and -shm are 0600 after a write")
    func freshDatabaseFilesArePrivate() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try self.makeDirectory(mode: 0o755)
        // 022 is the usual default, so tests running alongside see no difference; what matters is that it is not
        // 077, under which the bug would hide.
        let previous = umask(0o022)
        defer { umask(previous) }
        let store = try await SQLiteServerStore.open(path: self.path, logger: Logger(label: "test"))
        try await store.insertSigningKey(Self.key)
        // While the connection is open the key is in the WAL, not yet checkpointed into the database file.
        let wal = try Data(contentsOf: URL(fileURLWithPath: self.path + "-wal"))
        #expect(String(decoding: wal, as: UTF8.self).contains("secret-key-material"))
        for file in [self.path, self.path + "-wal", self.path + "-shm"] {
            #expect(try self.mode(file) == 0o600, "\(file)")
        }
        try await store.shutdown()
        #expect(try self.mode(self.path) == 0o600)
    }

    @Test("files left too open by an older build are tightened on open")
    func tooOpenFilesAreTightened() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try self.makeDirectory(mode: 0o700)
        let first = try await SQLiteServerStore.open(path: self.path, logger: Logger(label: "test"))
        try await first.insertSigningKey(Self.key)
        try await first.shutdown()
        // As an older build left them: the database 0644, and a crash's -wal and -shm 0644 beside it.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: self.path)
        for suffix in ["-wal", "-shm"] where !FileManager.default.fileExists(atPath: self.path + suffix) {
            #expect(FileManager.default.createFile(atPath: self.path + suffix, contents: nil))
        }
        for suffix in ["-wal", "-shm"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: self.path + suffix)
        }
        let second = try await SQLiteServerStore.open(path: self.path, logger: Logger(label: "test"))
        #expect(try await second.signingKeys().map(\.id) == ["k1"])
        try await second.insertClient(StoreContract.sampleClient("after"))
        for file in [self.path, self.path + "-wal", self.path + "-shm"] {
            #expect(try self.mode(file) == 0o600, "\(file)")
        }
        try await second.shutdown()
    }

    @Test(
        "a directory other users can write is refused, sticky or not, and nothing is created in it",
        arguments: [0o777, 0o775, 0o1777]
    )
    func writableDirectoryIsRefused(mode: Int) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try self.makeDirectory(mode: mode)
        await #expect(throws: ServerStoreError.self) {
            try await SQLiteServerStore.open(path: self.path, logger: Logger(label: "test"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: self.directory.path).isEmpty)
    }

    @Test("a symbolic link planted as the -wal is refused, not followed")
    func plantedWALSymlinkIsRefused() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try self.makeDirectory(mode: 0o700)
        let target = self.directory.appendingPathComponent("somebody-elses-file")
        #expect(FileManager.default.createFile(atPath: target.path, contents: Data("theirs".utf8)))
        try FileManager.default.createSymbolicLink(atPath: self.path + "-wal", withDestinationPath: target.path)
        do {
            let store = try await SQLiteServerStore.open(path: self.path, logger: Logger(label: "test"))
            try await store.shutdown()
            Issue.record("a symbolic link as -wal was accepted")
        } catch let error as ServerStoreError {
            #expect(error.detail.contains("symbolic link"), "\(error)")
        }
        #expect(try Data(contentsOf: target) == Data("theirs".utf8))
    }
}
