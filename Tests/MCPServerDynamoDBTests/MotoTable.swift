import Foundation
import Logging
import MCPServerAWS
import MCPServerDynamoDB
import NIOCore
import RemoteMCPTestSupport
import Testing

/// A table of its own on moto_server for one test, so tests share nothing.
enum MotoTable {
    static func client(logger: Logger) throws -> AWSJSONClient {
        AWSJSONClient(
            endpoint: try #require(Interop.dynamoDBEndpoint),
            signer: AWSSigV4Signer(
                credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                region: "us-east-1",
                service: "dynamodb"
            ),
            logger: logger,
            // moto_server answers one request at a time (Tests/Interop/moto_server.py) and some checks send it 100 at
            // once: a request may wait its turn for long, and a retry after a timeout could apply a write twice.
            timeout: .minutes(2)
        )
    }

    /// A store on a new table.
    static func freshStore(logger: Logger) async throws -> DynamoDBServerStore {
        let client = try Self.client(logger: logger)
        let table = "contract-\(UUID().uuidString.prefix(8))"
        try await DynamoDBServerStore.createTable(table, client: client)
        return DynamoDBServerStore(table: table, client: client, logger: logger)
    }
}
