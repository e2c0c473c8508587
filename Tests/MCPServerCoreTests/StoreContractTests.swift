import Foundation
import Logging
import MCPServerCore
import MCPServerDynamoDB
import MCPServerSQLite
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Every ``ServerStore`` backend must pass these. Add a case when you add a backend.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqliteInMemory
    case sqliteFile
    case dynamodb

    /// DynamoDB runs against moto_server, which scripts/test.sh starts and names in
    /// `REMOTE_MCP_DYNAMODB_ENDPOINT`; without it that backend is left out.
    static var allCases: [StoreBackend] {
        [.memory, .sqliteInMemory, .sqliteFile] + (Self.dynamoDBEndpoint == nil ? [] : [.dynamodb])
    }

    static let dynamoDBEndpoint = ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"].flatMap(
        URL.init(string:)
    )

    var testDescription: String { self.rawValue }

    /// Runs `body` with a fresh store and shuts it down afterwards, even if `body` throws.
    func withStore(_ body: (any ServerStore) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        let store: any ServerStore =
            switch self {
            case .memory: InMemoryServerStore()
            case .sqliteInMemory: try await SQLiteServerStore.open(path: ":memory:", logger: logger)
            case .sqliteFile:
                try await SQLiteServerStore.open(
                    path: directory.appendingPathComponent("db.sqlite").path,
                    logger: logger
                )
            case .dynamodb:
                try await Self.freshDynamoDBTable(logger: logger)
            }
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try await body(store)
        } catch {
            try await store.shutdown()
            throw error
        }
        try await store.shutdown()
        if let dynamo = store as? DynamoDBServerStore {
            try await DynamoDBServerStore.deleteTable(dynamo.table, client: Self.dynamoDBClient(logger: logger))
        }
    }

    static func dynamoDBClient(logger: Logger) throws -> AWSJSONClient {
        AWSJSONClient(
            endpoint: try #require(Self.dynamoDBEndpoint),
            signer: AWSSigV4Signer(
                credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                region: "us-east-1",
                service: "dynamodb"
            ),
            logger: logger
        )
    }

    /// A new table per test, so tests share nothing.
    static func freshDynamoDBTable(logger: Logger) async throws -> DynamoDBServerStore {
        let client = try Self.dynamoDBClient(logger: logger)
        let table = "contract-\(UUID().uuidString.prefix(8))"
        try await DynamoDBServerStore.createTable(table, client: client)
        return DynamoDBServerStore(table: table, client: client, logger: logger)
    }
}

func sampleClient(_ id: String, at seconds: TimeInterval = 1_700_000_000) -> StoredClient {
    StoredClient(
        id: id,
        secretHash: "secret-hash-\(id)",
        registrationTokenHash: "rat-hash-\(id)",
        metadata: ["client_name": .string("Client \(id)"), "grant_types": ["client_credentials"], "n": 1.50],
        createdAt: Date(timeIntervalSince1970: seconds),
        updatedAt: Date(timeIntervalSince1970: seconds)
    )
}

@Suite("ServerStore contract")
struct StoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func clientsRoundTrip(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let client = sampleClient("c1")
            try await store.insertClient(client)
            #expect(try await store.client(id: "c1") == client)
            #expect(try await store.client(id: "nope") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func duplicateInsertThrowsAndKeepsTheOriginal(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insertClient(sampleClient("c1"))
            var other = sampleClient("c1")
            other.secretHash = "different"
            await #expect(throws: ServerStoreError.duplicate) { try await store.insertClient(other) }
            #expect(try await store.client(id: "c1")?.secretHash == "secret-hash-c1")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func updateReplacesAndUnknownIsNotFound(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insertClient(sampleClient("c1"))
            var changed = sampleClient("c1")
            changed.metadata = ["client_name": "renamed"]
            changed.updatedAt = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.updateClient(changed)
            #expect(try await store.client(id: "c1") == changed)
            await #expect(throws: ServerStoreError.notFound) { try await store.updateClient(sampleClient("ghost")) }
            #expect(try await store.client(id: "ghost") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteAndList(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insertClient(sampleClient("b", at: 2))
            try await store.insertClient(sampleClient("a", at: 1))
            try await store.insertClient(sampleClient("c", at: 3))
            #expect(try await store.listClients().map(\.id) == ["a", "b", "c"])
            #expect(try await store.deleteClient(id: "b"))
            #expect(try await !store.deleteClient(id: "b"))
            #expect(try await store.listClients().map(\.id) == ["a", "c"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func signingKeysNewestFirstAndRetire(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let old = StoredSigningKey(
                id: "k1",
                algorithm: "ES256",
                privateKeyPEM: "pem1",
                createdAt: Date(timeIntervalSince1970: 10)
            )
            let new = StoredSigningKey(
                id: "k2",
                algorithm: "ES256",
                privateKeyPEM: "pem2",
                createdAt: Date(timeIntervalSince1970: 20)
            )
            try await store.insertSigningKey(old)
            try await store.insertSigningKey(new)
            await #expect(throws: ServerStoreError.duplicate) { try await store.insertSigningKey(old) }
            #expect(try await store.signingKeys().map(\.id) == ["k2", "k1"])
            var retired = old
            retired.retiredAt = Date(timeIntervalSince1970: 30)
            try await store.updateSigningKey(retired)
            #expect(try await store.signingKeys().last == retired)
            #expect(try await store.deleteSigningKey(id: "k1"))
            #expect(try await store.signingKeys() == [new])
            await #expect(throws: ServerStoreError.notFound) { try await store.updateSigningKey(retired) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func rateLimitCountsPerWindowAndKey(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Date(timeIntervalSince1970: 1_700_000_040)
            var decisions: [RateLimitDecision] = []
            for _ in 0..<4 {
                decisions.append(
                    try await store.consumeRateLimit(key: "ip:1", limit: 3, window: .seconds(60), now: start)
                )
            }
            #expect(decisions.map(\.allowed) == [true, true, true, false])
            #expect(decisions.map(\.count) == [1, 2, 3, 4])
            #expect(decisions[3].resetAt == Date(timeIntervalSince1970: 1_700_000_100))
            let other = try await store.consumeRateLimit(key: "ip:2", limit: 3, window: .seconds(60), now: start)
            #expect(other.count == 1)
            let nextWindow = try await store.consumeRateLimit(
                key: "ip:1",
                limit: 3,
                window: .seconds(60),
                now: start + 60
            )
            #expect(nextWindow.allowed && nextWindow.count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentWritesLoseNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await store.insertClient(sampleClient("p\(index)", at: Double(index)))
                        return try await store.consumeRateLimit(
                            key: "shared",
                            limit: 1000,
                            window: .seconds(3600),
                            now: Date()
                        ).count
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(Set(counts) == Set(1...100))
            #expect(try await store.listClients().count == 100)
        }
    }
}

@Suite("SQLite store")
struct SQLiteServerStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)")

    @Test func dataSurvivesReopeningAndMigrationsRunOnce() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = self.directory.appendingPathComponent("nested/db.sqlite").path
        let first = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        try await first.insertClient(sampleClient("kept"))
        try await first.shutdown()
        let second = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await second.client(id: "kept") == sampleClient("kept"))
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
        // Simulate a future schema by bumping user_version with a second connection.
        let raw = try await SQLiteServerStoreTests.setUserVersion(path: path, to: 99)
        #expect(raw)
        await #expect(throws: ServerStoreError.self) {
            try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        }
    }

    static func setUserVersion(path: String, to version: Int) async throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=\(version)'); c.commit()",
            path,
        ]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test(.timeLimit(.minutes(2)))
    func killMinus9MidWriteLeavesAnIntactFileWithEveryCommittedRow() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let path = self.directory.appendingPathComponent("crash.sqlite").path
        let probe = Process()
        probe.executableURL = try BuiltProduct.url(named: "StoreCrashProbe")
        probe.arguments = [path]
        let output = Pipe()
        probe.standardOutput = output
        try probe.run()
        // Read committed ids until enough have been reported, then SIGKILL mid-write.
        var committed: [String] = []
        for await line in LineStream.lines(of: output.fileHandleForReading) {
            committed.append(line)
            if committed.count >= 300 { break }
        }
        kill(probe.processIdentifier, SIGKILL)
        probe.waitUntilExit()
        #expect(probe.terminationReason == .uncaughtSignal)

        let store = try await SQLiteServerStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await store.integrityCheck())
        let stored = Set(try await store.listClients().map(\.id))
        #expect(committed.count >= 300)
        #expect(committed.allSatisfy(stored.contains))
        try await store.shutdown()
    }
}
