import Foundation
import RemoteMCPTestSupport

/// `mcp-server` (or a packaged `bootstrap`) started the way Lambda starts it: no arguments,
/// `AWS_LAMBDA_RUNTIME_API` pointing at a ``LocalLambdaRuntimeAPI``, and the function's environment.
final class LambdaProcess: Sendable {
    /// A random string of 32+ characters: the form CloudFormation's GenerateSecretString produces.
    static let keySeed = "k3yS33dFromSecretsManager0123456789abcdefXYZ"

    /// An in-memory SQLite store and a signing key from the environment.
    static let sqliteEnvironment = [
        "MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": ":memory:", "MCP_SERVER_SIGNING_KEY": keySeed,
    ]

    let process: Process
    /// stderr: the JSON log lines.
    let logs = LineCollector()
    /// stdout: the EMF metric lines.
    let metrics = LineCollector()
    private let exited: AsyncStream<Int32>

    /// - Parameter inheritEnvironment: `false` starts it with only the variables Lambda sets and `environment`.
    init(
        runtime: LocalLambdaRuntimeAPI,
        environment: [String: String],
        executable: URL? = nil,
        inheritEnvironment: Bool = true
    ) throws {
        let process = Process()
        process.executableURL = try executable ?? BuiltProduct.url(named: "mcp-server")
        process.arguments = []
        var env =
            inheritEnvironment
            ? ProcessInfo.processInfo.environment.filter {
                !$0.key.hasPrefix("MCP_SERVER_") && !$0.key.hasPrefix("AWS_")
            }
            : [
                "PATH": "/usr/bin:/bin",
                "LAMBDA_TASK_ROOT": executable?.deletingLastPathComponent().path ?? "/var/task",
            ]
        env["AWS_LAMBDA_RUNTIME_API"] = runtime.endpoint
        env["AWS_LAMBDA_FUNCTION_NAME"] = "mcp-server-test"
        env.merge(environment) { _, new in new }
        process.environment = env
        let stderr = Pipe()
        let stdout = Pipe()
        process.standardError = stderr
        process.standardOutput = stdout
        let (exited, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { process in
            let status = process.terminationStatus
            continuation.yield(status)
            Task { await runtime.functionExited(status: status) }
        }
        self.exited = exited
        try process.run()
        self.process = process
        for (handle, collector) in [
            (stderr.fileHandleForReading, self.logs), (stdout.fileHandleForReading, self.metrics),
        ] {
            Task.detached {
                for await line in LineStream.lines(of: handle) { collector.append(line) }
                collector.finish()
            }
        }
    }

    /// Waits for the process to end.
    func waitForExit() async -> Int32? {
        var iterator = self.exited.makeAsyncIterator()
        return await iterator.next()
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }
}

/// Events made from the recorded fixtures (shaped like AWS's documented examples), with the parts a test changes.
enum LambdaEvents {
    static let apiDomain = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    /// What clients of the HTTP API fixture see as the base URL (stage `prod`).
    static let apiBase = "https://\(apiDomain)/prod"

    static func fixture(_ name: String) throws -> [String: Any] {
        // Kept with the in-process Lambda tests, which use them most.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../MCPServerLambdaTests/Fixtures/\(name).json").standardizedFileURL
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// An HTTP API (payload 2.0) event on stage `prod`; `path` is below the stage.
    static func httpAPI(
        _ method: String,
        _ path: String,
        body: String = "",
        headers: [String: String] = [:],
        base64: Bool = false
    ) throws -> [String: Any] {
        var event = try self.fixture("http-api-v2")
        event["rawPath"] = "/prod" + path
        var context = event["requestContext"] as! [String: Any]
        var http = context["http"] as! [String: Any]
        http["method"] = method
        http["path"] = "/prod" + path
        context["http"] = http
        event["requestContext"] = context
        var merged = event["headers"] as! [String: String]
        for (name, value) in headers { merged[name.lowercased()] = value }
        event["headers"] = merged
        event["body"] = base64 ? Data(body.utf8).base64EncodedString() : body
        event["isBase64Encoded"] = base64
        return event
    }

    /// A REST API (payload 1.0) event for the same API and stage, body base64-encoded as binary media types are.
    static func restAPI(
        _ method: String,
        _ path: String,
        body: String = "",
        headers: [String: [String]] = [:]
    ) throws
        -> [String: Any]
    {
        var event = try self.fixture("rest-api-v1")
        event["httpMethod"] = method
        event["path"] = path
        event["resource"] = path
        var context = event["requestContext"] as! [String: Any]
        context["domainName"] = self.apiDomain
        context["stage"] = "prod"
        context["path"] = "/prod" + path
        context["httpMethod"] = method
        event["requestContext"] = context
        var multi = event["multiValueHeaders"] as! [String: [String]]
        for (name, values) in headers { multi[name] = values }
        event["multiValueHeaders"] = multi
        event["headers"] = multi.mapValues { $0.last ?? "" }
        event["body"] = Data(body.utf8).base64EncodedString()
        event["isBase64Encoded"] = true
        return event
    }

    /// A payload 1.0 `POST /token` (client_credentials, HTTP Basic) for a registered client.
    static func tokenRequest(clientID: String, secret: String) throws -> [String: Any] {
        let basic = Data("\(clientID):\(secret)".utf8).base64EncodedString()
        return try self.restAPI(
            "POST",
            "/token",
            body: "grant_type=client_credentials",
            headers: ["Authorization": ["Basic \(basic)"]]
        )
    }

    /// A payload 2.0 `tools/list` with a bearer token.
    static func toolsList(token: String) throws -> [String: Any] {
        try self.httpAPI(
            "POST",
            "/mcp",
            body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            headers: ["authorization": "Bearer \(token)", "mcp-protocol-version": "2025-06-18"]
        )
    }

    /// A Lambda Function URL event.
    static func functionURL(
        _ method: String,
        _ path: String,
        body: String = "",
        headers: [String: String] = [:]
    ) throws
        -> [String: Any]
    {
        var event = try self.fixture("function-url")
        event["rawPath"] = path
        var context = event["requestContext"] as! [String: Any]
        var http = context["http"] as! [String: Any]
        http["method"] = method
        http["path"] = path
        context["http"] = http
        event["requestContext"] = context
        var merged = event["headers"] as! [String: String]
        for (name, value) in headers { merged[name.lowercased()] = value }
        event["headers"] = merged
        event["body"] = body
        return event
    }
}

/// A response document as Lambda hands it back to API Gateway.
struct LambdaResponse {
    let document: [String: Any]

    init(_ result: LocalLambdaRuntimeAPI.Result) throws {
        guard case .response = result else { throw UnexpectedResult(result: "\(result)") }
        self.document = result.json
    }

    var status: Int { self.document["statusCode"] as? Int ?? -1 }

    var body: String {
        let text = self.document["body"] as? String ?? ""
        if self.document["isBase64Encoded"] as? Bool == true {
            return String(decoding: Data(base64Encoded: text) ?? Data(), as: UTF8.self)
        }
        return text
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.utf8))) as? [String: Any] ?? [:]
    }

    /// A header from `headers` (payload 2.0) or `multiValueHeaders` (1.0), joined.
    func header(_ name: String) -> String? {
        if let single = self.document["headers"] as? [String: String] { return single[name.lowercased()] }
        if let multi = self.document["multiValueHeaders"] as? [String: [String]] {
            return multi[name.lowercased()]?.joined(separator: ", ")
        }
        return nil
    }

    struct UnexpectedResult: Error, CustomStringConvertible {
        let result: String
        var description: String { "expected a response, got \(self.result)" }
    }
}

extension LocalLambdaRuntimeAPI {
    /// Invokes the function with the event `json` and reads the answer as an HTTP response document (it throws
    /// when the function reported an error instead).
    func response(to json: Any, deadline: Duration = .seconds(30)) async throws -> LambdaResponse {
        try LambdaResponse(await self.invoke(json: json, deadline: deadline).result)
    }
}
