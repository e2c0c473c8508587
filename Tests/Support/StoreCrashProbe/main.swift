// Inserts clients into the SQLite store at argv[1] forever, printing each id after its insert returned.
// SQLiteServerStoreTests (MCPServerSQLiteTests) kills it with SIGKILL and checks that the file is intact and every
// printed id is there.
import Foundation
import Logging
import MCPServerCore
import MCPServerSQLite
import MCPWire

let path = CommandLine.arguments[1]
let store = try await SQLiteServerStore.open(path: path, logger: Logger(label: "probe"))
var counter = 0
while true {
    counter += 1
    let id = "probe-\(ProcessInfo.processInfo.processIdentifier)-\(counter)"
    let now = Date()
    try await store.insertClient(
        StoredClient(
            id: id,
            secretHash: String(repeating: "h", count: 64),
            registrationTokenHash: String(repeating: "r", count: 64),
            metadata: ["client_name": .string(id), "padding": .string(String(repeating: "x", count: 2000))],
            createdAt: now,
            updatedAt: now
        )
    )
    _ = try await store.consumeRateLimit(key: "probe", limit: 1_000_000, window: .seconds(60), now: now)
    FileHandle.standardOutput.write(Data((id + "\n").utf8))
}
