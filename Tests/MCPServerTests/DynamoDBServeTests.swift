import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// `mcp-server` on the DynamoDB store (moto_server, started by scripts/test.sh): two servers share one table.
@Suite("mcp-server on DynamoDB", .needsMoto, .childProcesses, .timeLimit(.minutes(2)))
struct DynamoDBServeTests {
    @Test("create-table, then two servers on one table: a client registered at one gets a token at the other")
    func twoServersShareOneTable() async throws {
        let table = "serve-\(UUID().uuidString.prefix(8))"
        let environment = [
            "AWS_ENDPOINT_URL_DYNAMODB": try #require(Interop.dynamoDBEndpoint).absoluteString,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "MCP_SERVER_DYNAMODB_TABLE": table,
        ]
        let create = try await ChildProcess.run(
            BuiltProduct.url(named: "mcp-server"),
            ["dynamodb", "create-table"],
            environment: environment
        )
        #expect(create.status == 0, "\(create.errors)")
        #expect(create.output.first?.hasPrefix("Created DynamoDB table \(table)") == true)

        let first = try await ChildProcess.mcpServer(["--store", "dynamodb"], environment: environment)
        let second = try await ChildProcess.mcpServer(["--store", "dynamodb"], environment: environment)
        #expect(first.stderr.lines.contains { $0.contains(#""store":"dynamodb""#) })

        let registered = try await TestHTTP.post(
            URL(string: first.mcpURL.deletingLastPathComponent().absoluteString + "dcr")!,
            #"{"client_name":"shared","grant_types":["client_credentials"],"application_type":"native"}"#
        )
        #expect(registered.status == 201)
        let client = try JSONValue(parsing: registered.body)
        let id = try #require(client["client_id"]?.stringValue)
        let secret = try #require(client["client_secret"]?.stringValue)
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        let token = try await TestHTTP.request(
            URL(string: second.mcpURL.deletingLastPathComponent().absoluteString + "token")!,
            method: .post,
            headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/x-www-form-urlencoded"],
            body: "grant_type=client_credentials"
        )
        #expect(token.status == 200, "\(token.body)")
        #expect(try JSONValue(parsing: token.body)["access_token"]?.stringValue != nil)
    }
}
