import ArgumentParser
import Logging
import MCPCommandLine
import MCPServerAWS
import MCPServerCore
import MCPServerDynamoDB
import MCPServerSQLite

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which store to use and where it is, shared by `serve` and the operator commands so they all reach the same store.
struct StoreOptions: ParsableArguments {
    @Option(help: "sqlite (one file, no setup) or dynamodb; on Lambda the default is dynamodb. (env: MCP_SERVER_STORE)")
    var store: OptionValue<StoreKind> = .default(.sqlite)

    @Option(
        help: """
            SQLite database file, created on first start; ':memory:' keeps nothing. \
            (env: MCP_SERVER_DATABASE; default: \(DataDirectory.defaultDatabasePath()))
            """
    )
    var database: String?

    @Option(
        help: """
            DynamoDB table for --store dynamodb (create it with `mcp-server dynamodb create-table`). Credentials, \
            region and endpoint follow AWS conventions: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, \
            AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB. (env: MCP_SERVER_DYNAMODB_TABLE)
            """
    )
    var dynamodbTable: OptionValue<String> = .default("mcp-server")

    /// Where the store is, validated.
    enum Choice: Sendable, Equatable {
        case sqlite(path: String)
        case dynamodb(table: String, aws: AWSServiceConfiguration)
    }

    /// The store the flags and `environment` name.
    /// - Parameter lambda: Lambda mode, where DynamoDB is the default store.
    func choice(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        lambda: Bool = false
    ) throws -> Choice {
        let variables = EnvironmentVariables(environment)
        let store = lambda ? self.store.replacingDefault(with: .dynamodb) : self.store
        switch try variables.resolve(store, env: "MCP_SERVER_STORE") {
        case .sqlite:
            let path =
                try variables.resolve(self.database, env: "MCP_SERVER_DATABASE")
                ?? DataDirectory.defaultDatabasePath(environment: variables)
            return .sqlite(path: path)
        case .dynamodb:
            let table = try variables.resolve(self.dynamodbTable, env: "MCP_SERVER_DYNAMODB_TABLE")
            do {
                let aws = try AWSServiceConfiguration.fromEnvironment(
                    .dynamoDB,
                    environment: environment,
                    purpose: "--store dynamodb"
                )
                return .dynamodb(table: table, aws: aws)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    /// Opens the chosen store.
    static func open(_ choice: Choice, logger: Logger) async throws -> any ServerStore {
        switch choice {
        case .sqlite(let path):
            return try await SQLiteServerStore.open(path: path, logger: logger)
        case .dynamodb(let table, let aws):
            return DynamoDBServerStore(table: table, client: aws.client(logger: logger), logger: logger)
        }
    }

    /// Opens the store for a one-shot operator command, runs `body`, and closes it.
    func withStore<T>(logger: Logger, _ body: (any ServerStore) async throws -> T) async throws -> T {
        let store = try await Self.open(try self.choice(), logger: logger)
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

extension StoreOptions.Choice {
    /// For logs: the file, or the table and endpoint (never credentials).
    var logMetadata: Logger.Metadata {
        switch self {
        case .sqlite(let path): ["store": "sqlite", "store.path": "\(path)"]
        case .dynamodb(let table, let aws):
            [
                "store": "dynamodb", "store.table": "\(table)", "store.region": "\(aws.region)",
                "store.endpoint": "\(aws.endpoint.absoluteString)",
            ]
        }
    }
}
