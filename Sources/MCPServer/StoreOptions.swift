import ArgumentParser
import Foundation
import Logging
import MCPServerCore
import MCPServerDynamoDB
import MCPServerSQLite

/// Which store to use and where it is, shared by `serve` and the operator commands so they all reach the same store.
struct StoreOptions: ParsableArguments {
    @Option(help: "sqlite (the default: one file, no setup) or dynamodb. (env: MCP_SERVER_STORE)")
    var store: String?

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
            AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB. (env: MCP_SERVER_DYNAMODB_TABLE; default: mcp-server)
            """
    )
    var dynamodbTable: String?

    /// Where the store is, validated.
    enum Choice: Sendable, Equatable {
        case sqlite(path: String)
        case dynamodb(table: String, region: String, endpoint: URL, credentials: AWSCredentials)
    }

    func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        OptionValue(environment: environment).string(
            self.database,
            env: "MCP_SERVER_DATABASE",
            default: DataDirectory.defaultDatabasePath(environment: environment)
        )
    }

    /// - Parameter defaultStore: `sqlite`, or `dynamodb` in Lambda mode.
    func choice(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaultStore: String = "sqlite"
    ) throws -> Choice {
        let values = OptionValue(environment: environment)
        switch values.string(self.store, env: "MCP_SERVER_STORE", default: defaultStore).lowercased() {
        case "sqlite":
            return .sqlite(path: self.path(environment: environment))
        case "dynamodb":
            let table = values.string(self.dynamodbTable, env: "MCP_SERVER_DYNAMODB_TABLE", default: "mcp-server")
            let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
            guard let credentials = AWSCredentials.fromEnvironment(environment) else {
                throw ValidationError("--store dynamodb needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
            }
            guard let endpoint = AWSJSONClient.endpoint(for: .dynamoDB, region: region, environment: environment) else {
                throw ValidationError("AWS_ENDPOINT_URL_DYNAMODB is not a URL")
            }
            return .dynamodb(table: table, region: region, endpoint: endpoint, credentials: credentials)
        case let other:
            throw ValidationError("--store must be sqlite or dynamodb, not \(other)")
        }
    }

    /// Opens the chosen store.
    static func open(_ choice: Choice, logger: Logger) async throws -> any ServerStore {
        switch choice {
        case .sqlite(let path):
            return try await SQLiteServerStore.open(path: path, logger: logger)
        case .dynamodb(let table, _, _, _):
            return DynamoDBServerStore(
                table: table,
                client: Self.dynamoDBClient(choice, logger: logger),
                logger: logger
            )
        }
    }

    static func dynamoDBClient(_ choice: Choice, logger: Logger) -> AWSJSONClient {
        guard case .dynamodb(_, let region, let endpoint, let credentials) = choice else {
            preconditionFailure("not a DynamoDB choice")
        }
        return AWSJSONClient(
            service: .dynamoDB,
            endpoint: endpoint,
            signer: AWSSigV4Signer(credentials: credentials, region: region, service: "dynamodb"),
            logger: logger
        )
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
        case .dynamodb(let table, let region, let endpoint, _):
            [
                "store": "dynamodb", "store.table": "\(table)", "store.region": "\(region)",
                "store.endpoint": "\(endpoint.absoluteString)",
            ]
        }
    }
}
