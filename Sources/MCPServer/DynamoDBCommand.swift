import ArgumentParser
import MCPCommandLine
import MCPServerAWS
import MCPServerDynamoDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-server dynamodb …`: sets up the DynamoDB table the `dynamodb` store uses.
struct DynamoDBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamodb",
        abstract: "Set up the DynamoDB table for --store dynamodb.",
        subcommands: [CreateTable.self]
    )

    struct CreateTable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-table",
            abstract:
                "Create the table (on-demand, encrypted, keys pk/sk, TTL on expires_at) and wait until it is active."
        )

        @OptionGroup var store: StoreOptions

        func run() async throws {
            var options = self.store
            options.store = .given(.dynamodb)
            let choice = try options.choice()
            guard case .dynamodb(let table, let aws) = choice else { return }
            try await DynamoDBServerStore.createTable(table, client: aws.client(logger: OperatorLog.logger))
            print("Created DynamoDB table \(table) in \(aws.region) at \(aws.endpoint.absoluteString).")
        }
    }
}
