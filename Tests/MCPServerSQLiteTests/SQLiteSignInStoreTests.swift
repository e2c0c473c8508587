import Foundation
import Logging
import MCPServerCore
import MCPWire
import SQLiteNIO
import ServerStoreContract
import Testing

@testable import MCPServerSQLite

/// What the sign-in contract cannot see from outside: expired rows are deleted, a version-2 database (before
/// sign-in) migrates keeping its clients, and grant families stored before credential versions read as version 1.
@Suite("SQLite sign-in storage")
struct SQLiteSignInStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-signin-\(UUID().uuidString)")
    let start = SignInStoreContract.start

    @Test func expiredRowsArePrunedByLaterWrites() async throws {
        let store = try await SQLiteServerStore.open(path: ":memory:", logger: Logger(label: "test"))
        // Codes: one redeemed, one not; both expire at +60.
        try await store.insertAuthorizationCode(SignInStoreContract.sampleCode("c1"))
        try await store.insertAuthorizationCode(SignInStoreContract.sampleCode("c2"))
        _ = try await store.redeemAuthorizationCode(hash: "c1", clientID: "client-a", now: self.start + 10)
        // Two minutes on, the expired codes are kept, so a late second redemption is still caught as reuse.
        try await store.insertAuthorizationCode(SignInStoreContract.sampleCode("c3", at: 120))
        #expect(try await store.rowCount(.authorizationCodes) == 3)
        guard
            case .reused = try await store.redeemAuthorizationCode(
                hash: "c1",
                clientID: "client-a",
                now: self.start + 120
            )
        else {
            Issue.record("a redeemed code was forgotten within its retention")
            return
        }
        // Ten minutes past their expiry they go; c3 (expired at +180) stays a little longer.
        try await store.insertAuthorizationCode(SignInStoreContract.sampleCode("c4", at: 700))
        #expect(try await store.rowCount(.authorizationCodes) == 2)
        #expect(
            try await store.redeemAuthorizationCode(hash: "c1", clientID: "client-a", now: self.start + 700)
                == .unknown
        )

        // Families go once idle-expired (the idle expiry never passes the absolute one); revoked ones stay until then.
        var idle = SignInStoreContract.sampleFamily("idle")
        idle.idleExpiresAt = self.start + 100
        try await store.insertGrantFamily(idle)
        try await store.insertGrantFamily(SignInStoreContract.sampleFamily("alive"))
        try await store.insertGrantFamily(SignInStoreContract.sampleFamily("revoked"))
        #expect(try await store.revokeGrantFamily(id: "revoked", reason: "test", now: self.start + 1))
        // Within a minute of the last prune nothing is deleted, even what has expired.
        var soon = SignInStoreContract.sampleFamily("soon")
        soon.createdAt = self.start + 59
        try await store.insertGrantFamily(soon)
        var later = SignInStoreContract.sampleFamily("later")
        later.createdAt = self.start + 200
        try await store.insertGrantFamily(later)
        #expect(try await store.grantFamily(id: "idle") == nil)
        #expect(try await store.rowCount(.grantFamilies) == 4)

        // Upstream sign-ins go at their expiry.
        let login = StoredUpstreamLogin(
            stateHash: "s1",
            nonce: "n",
            codeVerifier: "v",
            sealedRequest: "r",
            browserHash: "b",
            createdAt: self.start,
            expiresAt: self.start + 600
        )
        try await store.insertUpstreamLogin(login)
        var next = login
        next.stateHash = "s2"
        next.createdAt = self.start + 600
        next.expiresAt = self.start + 1200
        try await store.insertUpstreamLogin(next)
        #expect(try await store.rowCount(.upstreamLogins) == 1)
        try await store.shutdown()
    }

    @Test func aVersion2DatabaseMigratesKeepingClients() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let path = self.directory.appendingPathComponent("db.sqlite").path
        // The database as the previous release left it: migrations 1 and 2, and a client.
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            for statement in SQLiteServerStore.migrations.prefix(2).joined() {
                _ = try await connection.query(statement)
            }
            _ = try await connection.query("PRAGMA user_version = 2")
            _ = try await connection.query(
                """
                INSERT INTO clients (id, secret_hash, registration_token_hash, metadata, created_at, updated_at)
                VALUES ('kept', 's', 'r', '{"client_name":"Kept"}', 1, 1)
                """
            )
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()

        let store = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await store.storedSchemaVersion() == SQLiteServerStore.schemaVersion)
        #expect(try await store.client(id: "kept")?.metadata == ["client_name": "Kept"])
        try await store.insertPerson(SignInStoreContract.samplePerson("usr_alice", username: "alice"))
        #expect(try await store.person(username: "alice")?.id == "usr_alice")
        #expect(try await store.integrityCheck())
        try await store.shutdown()
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func familiesStoredBeforeCredentialVersionsReadAsVersion1() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let path = self.directory.appendingPathComponent("db.sqlite").path
        // The database as schema version 4 left it: a family without a credential_version column.
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            for statement in SQLiteServerStore.migrations.prefix(4).joined() {
                _ = try await connection.query(statement)
            }
            _ = try await connection.query("PRAGMA user_version = 4")
            _ = try await connection.query(
                """
                INSERT INTO grant_families (
                    id, client_id, person_id, scope, resource, auth_time, current_hash, generation, recent_hashes,
                    created_at, last_used_at, idle_expires_at, absolute_expires_at
                ) VALUES ('old', 'client-a', 'usr_alice', 'mcp:tools', 'https://mcp.example.com/mcp', 1, 'h0', 0, '',
                    1, 1, 1900000000, 1900000000)
                """
            )
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()

        let store = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await store.storedSchemaVersion() == SQLiteServerStore.schemaVersion)
        #expect(try await store.grantFamily(id: "old")?.credentialVersion == 1)
        guard
            case .rotated(let rotated) = try await store.rotateRefreshToken(
                familyID: "old",
                clientID: "client-a",
                presentedHash: "h0",
                newHash: "h1",
                now: self.start,
                idleLifetime: .seconds(60)
            )
        else {
            Issue.record("the old family did not rotate")
            try await store.shutdown()
            return
        }
        #expect(rotated.credentialVersion == 1)
        var new = SignInStoreContract.sampleFamily("new")
        new.credentialVersion = 1_800_000_001
        try await store.insertGrantFamily(new)
        #expect(try await store.grantFamily(id: "new")?.credentialVersion == 1_800_000_001)
        #expect(try await store.integrityCheck())
        try await store.shutdown()
    }
}
