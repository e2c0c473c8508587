import ArgumentParser
import Foundation
import Logging
import MCPServerCore
import MCPServerSQLite

/// `--database`, shared by `serve` and the operator commands so they all reach the same store.
struct StoreOptions: ParsableArguments {
    @Option(
        help: """
            SQLite database file, created on first start; ':memory:' keeps nothing. \
            (env: MCP_SERVER_DATABASE; default: \(DataDirectory.defaultDatabasePath()))
            """
    )
    var database: String?

    func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        OptionValue(environment: environment).string(
            self.database,
            env: "MCP_SERVER_DATABASE",
            default: DataDirectory.defaultDatabasePath(environment: environment)
        )
    }

    /// Opens the store for a one-shot operator command, runs `body`, and closes it.
    func withStore<T>(logger: Logger, _ body: (any ServerStore) async throws -> T) async throws -> T {
        let store = try await SQLiteServerStore.open(path: self.path(), logger: logger)
        do {
            let result = try await body(store)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }
}
