import Foundation
import RemoteMCPTestSupport
import Testing

/// The real `mcp-server` binary in Lambda mode against a local Runtime API endpoint, fed events shaped like
/// AWS's documented examples.
@Suite("mcp-server on the Lambda Runtime API", .timeLimit(.minutes(2)))
struct LambdaHostTests {
    /// A random string of 32+ characters: the form CloudFormation's GenerateSecretString produces.
    static let keySeed = "k3yS33dFromSecretsManager0123456789abcdefXYZ"

    static let sqliteEnvironment = [
        "MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": ":memory:", "MCP_SERVER_SIGNING_KEY": keySeed,
    ]

    @Test("HTTP API and REST API events: discovery, registration, token, MCP as JSON, client management, metrics, logs")
    func fullFlowThroughGatewayEvents() async throws {
        let runtime = try await LocalLambdaRuntimeAPI()
        // Every request's line (checked below for a 200); by default only failures and slow requests get one.
        let function = try LambdaProcess(
            runtime: runtime,
            environment: Self.sqliteEnvironment.merging(["MCP_SERVER_ACCESS_LOG": "all"]) { $1 }
        )
        let base = LambdaEvents.apiBase

        // Discovery under the stage: the URLs follow the event's domain and stage.
        let prm = try await runtime.response(to: LambdaEvents.httpAPI("GET", "/.well-known/oauth-protected-resource"))
        #expect(prm.status == 200)
        #expect(prm.json["resource"] as? String == base + "/mcp")
        #expect(prm.json["authorization_servers"] as? [String] == [base])
        #expect(prm.document["isBase64Encoded"] as? Bool == false)
        #expect(prm.header("content-type") == "application/json")

        let metadata = try await runtime.response(to: LambdaEvents.httpAPI("GET", "/.well-known/openid-configuration"))
        #expect(metadata.status == 200)
        #expect(metadata.json["issuer"] as? String == base)
        #expect(metadata.json["token_endpoint"] as? String == base + "/token")

        // Registration (payload 2.0, JSON body).
        let registration = try await runtime.response(
            to: LambdaEvents.httpAPI(
                "POST",
                "/dcr",
                body: #"{"client_name":"lambda test","grant_types":["client_credentials"]}"#
            )
        )
        #expect(registration.status == 201, "\(registration.body)")
        let clientID = try #require(registration.json["client_id"] as? String)
        let secret = try #require(registration.json["client_secret"] as? String)
        let management = try #require(registration.json["registration_access_token"] as? String)
        #expect(registration.json["registration_client_uri"] as? String == base + "/clients/" + clientID)

        // Token (payload 1.0: multi-value headers, base64 form body).
        let basic = Data("\(clientID):\(secret)".utf8).base64EncodedString()
        let form =
            "grant_type=client_credentials&resource=" + (base + "/mcp").addingPercentEncoding(
                withAllowedCharacters: .alphanumerics
            )!
        let token = try await runtime.response(
            to: LambdaEvents.restAPI("POST", "/token", body: form, headers: ["Authorization": ["Basic \(basic)"]])
        )
        #expect(token.status == 200, "\(token.body)")
        #expect(token.document["multiValueHeaders"] is [String: [String]])
        let accessToken = try #require(token.json["access_token"] as? String)
        let bearer = ["authorization": "Bearer \(accessToken)", "mcp-protocol-version": "2025-06-18"]

        // MCP: initialize, then a tool call with a progress token is still one JSON answer on Lambda.
        let initialize = try await runtime.response(
            to: LambdaEvents.httpAPI(
                "POST",
                "/mcp",
                body:
                    #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                headers: bearer
            )
        )
        #expect(initialize.status == 200, "\(initialize.body)")
        #expect(initialize.header("content-type") == "application/json")
        #expect((initialize.json["result"] as? [String: Any])?["protocolVersion"] as? String == "2025-06-18")
        #expect(initialize.header("mcp-session-id") == nil)

        let call = try await runtime.response(
            to: LambdaEvents.httpAPI(
                "POST",
                "/mcp",
                body:
                    #"{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"countdown","arguments":{"steps":3},"_meta":{"progressToken":"p"}}}"#,
                headers: bearer,
                base64: true
            )
        )
        #expect(call.status == 200)
        #expect(call.header("content-type") == "application/json")
        #expect(call.json["id"] as? String == "c1")
        #expect(call.json["result"] != nil, "\(call.body)")

        let get = try await runtime.response(to: LambdaEvents.httpAPI("GET", "/mcp", headers: bearer))
        #expect(get.status == 405)
        #expect(get.header("allow") == "POST")

        let anonymous = try await runtime.response(
            to: LambdaEvents.httpAPI("POST", "/mcp", body: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
        )
        #expect(anonymous.status == 401)
        #expect(
            anonymous.header("www-authenticate")?.contains(
                #"resource_metadata="\#(base)/.well-known/oauth-protected-resource""#
            ) == true
        )

        // RFC 7592 management (payload 1.0), then the client's token is refused.
        let read = try await runtime.response(
            to: LambdaEvents.restAPI(
                "GET",
                "/clients/\(clientID)",
                headers: ["Authorization": ["Bearer \(management)"]]
            )
        )
        #expect(read.status == 200)
        #expect(read.json["client_id"] as? String == clientID)
        let delete = try await runtime.response(
            to: LambdaEvents.restAPI(
                "DELETE",
                "/clients/\(clientID)",
                headers: ["Authorization": ["Bearer \(management)"]]
            )
        )
        #expect(delete.status == 204)
        let refused = try await runtime.response(
            to: LambdaEvents.httpAPI(
                "POST",
                "/mcp",
                body: #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#,
                headers: bearer
            )
        )
        #expect(refused.status == 401)

        // Logs carry the request id and the trace id of each invocation.
        let (lastID, _) = try await runtime.invoke(json: LambdaEvents.httpAPI("GET", "/jwks.json"))
        let logLine = await function.logs.first { $0.contains(lastID) && $0.contains("jwks.json") }
        let line = try #require(logLine)
        #expect(line.contains(#""aws_request_id":"\#(lastID)""#))
        #expect(
            line.contains(#""trace_id":"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1""#)
        )

        // EMF: one line per invocation; a cold start first, then warm; counters for tokens, registrations, auth.
        let lastMetric = try #require(await function.metrics.first { $0.contains(lastID) })
        #expect(lastMetric.contains(#""Namespace":"RemoteMCP""#))
        let metrics = function.metrics.lines.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(metrics.count == 12)
        #expect(metrics.first?["ColdStart"] as? Int == 1)
        #expect(metrics.dropFirst().allSatisfy { $0["ColdStart"] as? Int == 0 })
        #expect(metrics.reduce(0) { $0 + ($1["TokensIssued"] as? Int ?? 0) } == 1)
        #expect(metrics.reduce(0) { $0 + ($1["Registrations"] as? Int ?? 0) } == 1)
        #expect(metrics.reduce(0) { $0 + ($1["AuthFailures"] as? Int ?? 0) } == 2)
        let routes = Set(metrics.compactMap { $0["Route"] as? String })
        #expect(routes.isSuperset(of: ["/mcp", "/dcr", "/token", "/jwks.json"]))
        #expect(routes.contains { $0.hasPrefix("/clients/") && !$0.contains(clientID) })
        #expect(metrics.allSatisfy { $0["FunctionName"] as? String == "mcp-server-test" })
        let directives = (metrics.first?["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]]
        #expect(directives?.count == 3)
    }

    @Test("Function URL events; a tool past the deadline gets 504; a non-HTTP event goes to the error endpoint")
    func functionURLDeadlineAndHandlerError() async throws {
        let runtime = try await LocalLambdaRuntimeAPI()
        var environment = Self.sqliteEnvironment
        environment["MCP_SERVER_AUTH"] = "none"
        let function = try LambdaProcess(runtime: runtime, environment: environment)

        let list = try await runtime.response(
            to: LambdaEvents.functionURL(
                "POST",
                "/mcp",
                body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
                headers: ["mcp-protocol-version": "2025-06-18"]
            )
        )
        #expect(list.status == 200)
        #expect(((list.json["result"] as? [String: Any])?["tools"] as? [Any])?.isEmpty == false)
        #expect(list.document["headers"] is [String: String])

        let slow = try await runtime.response(
            to: LambdaEvents.functionURL(
                "POST",
                "/mcp",
                body:
                    #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"countdown","arguments":{"steps":1,"delayMs":10000}}}"#,
                headers: ["mcp-protocol-version": "2025-06-18"]
            ),
            deadline: .milliseconds(600)
        )
        #expect(slow.status == 504)
        #expect((slow.json["error"] as? [String: Any])?["code"] as? Int == -32603)

        let (_, failure) = await runtime.invoke(Array(#"{"source":"aws.events","detail-type":"Scheduled Event"}"#.utf8))
        guard case .error(let type, _) = failure else {
            Issue.record("expected an error, got \(failure)")
            return
        }
        #expect(type == "Runtime.InvalidEvent")
        #expect(failure.json["errorType"] as? String == "Runtime.InvalidEvent")
        #expect((failure.json["errorMessage"] as? String)?.contains("not an API Gateway") == true)

        // The function is still serving after both.
        let again = try await runtime.response(to: LambdaEvents.functionURL("GET", "/healthz"))
        #expect(again.status == 200)
        #expect(function.process.isRunning)
    }

    @Test(
        "key rotation: an instance on {current: new, previous: [old]} accepts tokens an instance on the old key signed"
    )
    func keyRotationKeepsTokensValid() async throws {
        // A directory of its own: the store refuses one other users can write, such as /tmp itself.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-\(UUID().uuidString)")
        let database = directory.appendingPathComponent("db.sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let newSeed = "n3wS33dFromSecretsManager0123456789abcdefXYZ"
        let base = ["MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": database.path]
        let oldRuntime = try await LocalLambdaRuntimeAPI()
        let newRuntime = try await LocalLambdaRuntimeAPI()
        let oldInstance = try LambdaProcess(
            runtime: oldRuntime,
            environment: base.merging(["MCP_SERVER_SIGNING_KEY": Self.keySeed]) { $1 }
        )
        let newInstance = try LambdaProcess(
            runtime: newRuntime,
            environment: base.merging([
                "MCP_SERVER_SIGNING_KEY": #"{"current":"\#(newSeed)","previous":["\#(Self.keySeed)"]}"#
            ]) { $1 }
        )
        let registration = try await oldRuntime.response(
            to: LambdaEvents.httpAPI("POST", "/dcr", body: #"{"client_name":"rotation"}"#)
        )
        let clientID = try #require(registration.json["client_id"] as? String)
        let secret = try #require(registration.json["client_secret"] as? String)
        func token(_ runtime: LocalLambdaRuntimeAPI) async throws -> String {
            let answer = try await runtime.response(to: LambdaEvents.tokenRequest(clientID: clientID, secret: secret))
            return try #require(answer.json["access_token"] as? String, "\(answer.body)")
        }
        func list(_ runtime: LocalLambdaRuntimeAPI, _ token: String) async throws -> Int {
            try await runtime.response(to: LambdaEvents.toolsList(token: token)).status
        }
        let oldToken = try await token(oldRuntime)
        let newToken = try await token(newRuntime)
        #expect(try await list(newRuntime, oldToken) == 200)
        #expect(try await list(newRuntime, newToken) == 200)
        // Why server/README.md's procedure first adds the new key as `previous` everywhere: an instance still on
        // the old key alone cannot verify what the new key signed.
        #expect(try await list(oldRuntime, newToken) == 401)
        let jwks = try await newRuntime.response(to: LambdaEvents.httpAPI("GET", "/jwks.json"))
        #expect((jwks.json["keys"] as? [Any])?.count == 2)
        #expect(oldInstance.process.isRunning && newInstance.process.isRunning)
    }

    @Test(
        "start-up failures go to init/error and the process exits",
        arguments: [
            (["MCP_SERVER_STORE": "bogus", "MCP_SERVER_SIGNING_KEY": keySeed], "--store must be sqlite or dynamodb"),
            (["MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": ":memory:"], "MCP_SERVER_SIGNING_KEY_SECRET"),
            (
                ["MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": ":memory:", "MCP_SERVER_SIGNING_KEY": "short"],
                "32+"
            ),
        ]
    )
    func initFailure(environment: [String: String], expected: String) async throws {
        let runtime = try await LocalLambdaRuntimeAPI()
        let function = try LambdaProcess(runtime: runtime, environment: environment)
        let failure = await runtime.initError()
        guard case .error(let type, _) = failure else {
            Issue.record("expected an error, got \(failure)")
            return
        }
        #expect(type == "Runtime.InitError")
        #expect((failure.json["errorMessage"] as? String)?.contains(expected) == true, "\(failure.json)")
        #expect(await function.waitForExit() == 1)
        #expect(await runtime.nextCalls() == 0)
    }
}
