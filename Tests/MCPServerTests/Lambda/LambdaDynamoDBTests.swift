import Foundation
import Logging
import MCPServerAWS
import MCPServerDynamoDB
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Lambda mode as deployed: DynamoDB by default and the signing key from Secrets Manager, both on moto_server
/// (started by scripts/test.sh); two function instances share the table and the key.
@Suite(
    "mcp-server on Lambda with DynamoDB and Secrets Manager",
    .enabled(
        if: ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"] != nil,
        "run scripts/test.sh (it starts moto_server)"
    ),
    .timeLimit(.minutes(2))
)
struct LambdaDynamoDBTests {
    @Test(
        "a token issued by one instance works at another; the key and the initial access token come from Secrets Manager"
    )
    func twoInstancesShareKeyAndTable() async throws {
        let endpoint = try #require(ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"])
        let table = "lambda-\(UUID().uuidString.prefix(8))"
        let secretName = "mcp-signing-key-\(UUID().uuidString.prefix(8))"
        let credentials = AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing")
        let logger = Logger(label: "test")
        let dynamo = AWSJSONClient(
            service: .dynamoDB,
            endpoint: URL(string: endpoint)!,
            signer: AWSSigV4Signer(credentials: credentials, region: "us-east-1", service: "dynamodb"),
            logger: logger
        )
        try await DynamoDBServerStore.createTable(table, client: dynamo)
        let secrets = AWSJSONClient(
            service: .secretsManager,
            endpoint: URL(string: endpoint)!,
            signer: AWSSigV4Signer(credentials: credentials, region: "us-east-1", service: "secretsmanager"),
            logger: logger
        )
        let created = try await secrets.call(
            "CreateSecret",
            ["Name": .string(secretName), "SecretString": .string(LambdaProcess.keySeed)]
        )
        let arn = try #require(created["ARN"]?.stringValue)
        // As the template deploys it: registration needs the operator's token, kept in a secret of its own.
        let registrationToken = "initial-\(UUID().uuidString)"
        let tokenSecret = try await secrets.call(
            "CreateSecret",
            [
                "Name": .string("mcp-registration-\(UUID().uuidString.prefix(8))"),
                "SecretString": .string(registrationToken),
            ]
        )
        let tokenSecretARN = try #require(tokenSecret["ARN"]?.stringValue)

        let environment = [
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "session", "AWS_REGION": "us-east-1", "MCP_SERVER_DYNAMODB_TABLE": table,
            "MCP_SERVER_SIGNING_KEY_SECRET": arn, "MCP_SERVER_REGISTRATION": "token",
            "MCP_SERVER_REGISTRATION_TOKEN_SECRET": tokenSecretARN,
        ]
        let runtimeA = try await LocalLambdaRuntimeAPI()
        let runtimeB = try await LocalLambdaRuntimeAPI()
        let instanceA = try LambdaProcess(runtime: runtimeA, environment: environment)
        let instanceB = try LambdaProcess(runtime: runtimeB, environment: environment)

        let refused = try await runtimeA.response(
            to: LambdaEvents.httpAPI("POST", "/dcr", body: #"{"client_name":"two instances"}"#)
        )
        #expect(refused.status == 401, "\(refused.body)")
        let registration = try await runtimeA.response(
            to: LambdaEvents.httpAPI(
                "POST",
                "/dcr",
                body: #"{"client_name":"two instances"}"#,
                headers: ["authorization": "Bearer \(registrationToken)"]
            )
        )
        #expect(registration.status == 201, "\(registration.body)")
        let clientID = try #require(registration.json["client_id"] as? String)
        let secret = try #require(registration.json["client_secret"] as? String)
        // The token from instance B (the client was registered at A: the table is shared).
        let token = try await runtimeB.response(to: LambdaEvents.tokenRequest(clientID: clientID, secret: secret))
        #expect(token.status == 200, "\(token.body)")
        let accessToken = try #require(token.json["access_token"] as? String)
        // Used at instance A (the key is the same: both read it from the secret).
        let list = try await runtimeA.response(to: LambdaEvents.toolsList(token: accessToken))
        #expect(list.status == 200, "\(list.body)")
        let jwksA = try await runtimeA.response(to: LambdaEvents.httpAPI("GET", "/jwks.json"))
        let jwksB = try await runtimeB.response(to: LambdaEvents.httpAPI("GET", "/jwks.json"))
        #expect(jwksA.body == jwksB.body)
        for instance in [instanceA, instanceB] {
            #expect(instance.logs.lines.contains { $0.contains("reading the signing-key secret") })
            #expect(instance.logs.lines.contains { $0.contains("reading the registration-token secret") })
            #expect(!instance.logs.lines.contains { $0.contains(LambdaProcess.keySeed) })
            #expect(!instance.logs.lines.contains { $0.contains(registrationToken) })
        }
        try await DynamoDBServerStore.deleteTable(table, client: dynamo)
    }

    @Test("a missing secret is a start-up failure reported to init/error")
    func missingSecret() async throws {
        let endpoint = try #require(ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"])
        let runtime = try await LocalLambdaRuntimeAPI()
        let function = try LambdaProcess(
            runtime: runtime,
            environment: [
                "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": "us-east-1", "MCP_SERVER_SIGNING_KEY_SECRET": "no-such-secret",
            ]
        )
        let failure = await runtime.initError()
        #expect(failure.json["errorType"] as? String == "Runtime.InitError")
        #expect(
            (failure.json["errorMessage"] as? String)?.contains("ResourceNotFoundException") == true,
            "\(failure.json)"
        )
        #expect(await function.waitForExit() == 1)
    }
}
