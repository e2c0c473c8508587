import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// `mcp-server` on the DynamoDB store (moto_server, started by scripts/test.sh): two servers share one table.
@Suite(
    "mcp-server on DynamoDB",
    .enabled(
        if: ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"] != nil,
        "run scripts/test.sh (it starts moto_server)"
    ),
    .timeLimit(.minutes(2))
)
struct DynamoDBServeTests {
    @Test("create-table, then two servers on one table: a client registered at one gets a token at the other")
    func twoServersShareOneTable() async throws {
        let table = "serve-\(UUID().uuidString.prefix(8))"
        let environment = [
            "AWS_ENDPOINT_URL_DYNAMODB": try #require(
                ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"]
            ),
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "MCP_SERVER_DYNAMODB_TABLE": table,
        ]
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment.merge(environment) { _, new in new }
        let create = try await ProcessRun.run(
            try BuiltProduct.url(named: "mcp-server"),
            ["dynamodb", "create-table"],
            environment: processEnvironment
        )
        #expect(create.status == 0, "\(create.errors)")
        #expect(create.output.first?.hasPrefix("Created DynamoDB table \(table)") == true)

        let first = try await ServerProcess(arguments: ["--store", "dynamodb"], environment: environment)
        let second = try await ServerProcess(arguments: ["--store", "dynamodb"], environment: environment)
        #expect(first.stderrLines.lines.contains { $0.contains(#""store":"dynamodb""#) })

        let registered = try await post(
            URL(string: first.mcpURL.deletingLastPathComponent().absoluteString + "dcr")!,
            #"{"client_name":"shared","grant_types":["client_credentials"],"application_type":"native"}"#
        )
        #expect(registered.status == 201)
        let client = try JSONValue(parsing: registered.body)
        let id = try #require(client["client_id"]?.stringValue)
        let secret = try #require(client["client_secret"]?.stringValue)
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        let token = try await post(
            URL(string: second.mcpURL.deletingLastPathComponent().absoluteString + "token")!,
            "grant_type=client_credentials",
            headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/x-www-form-urlencoded"]
        )
        #expect(token.status == 200, "\(token.body)")
        #expect(try JSONValue(parsing: token.body)["access_token"]?.stringValue != nil)
        for server in [first, second] {
            server.send(SIGTERM)
            _ = await server.waitForExit()
        }
    }
}
