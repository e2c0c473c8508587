import Foundation
import Hummingbird
import InMemoryLogging
import Logging
import MCPServerCore
import MCPServerLambda
import MCPWire
import NIOCore
import ServiceLifecycle

/// `mcp-server`'s Lambda function in process: the real router (every route; the authorization server over an
/// in-memory store; each request's URLs from its event) behind the Runtime API loop, which a scripted runtime
/// feeds. Metrics and logs are recorded.
struct LambdaFunctionHarness: Sendable {
    /// A random string of 32+ characters: the form CloudFormation's GenerateSecretString produces.
    static let keySeed = "k3yS33dFromSecretsManager0123456789abcdefXYZ"
    static let traceID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

    let runtime: ScriptedLambdaRuntime
    let metrics: RecordingMetricsSink
    let logs: InMemoryLogHandler
    let store: InMemoryServerStore

    /// Runs `body` with a function whose loop runs until `body` returns.
    /// - Parameters:
    ///   - signingKey: the signing-key secret's text (a seed, a PEM or the rotation JSON); `nil` turns
    ///     authentication off, as `--auth none` does.
    ///   - store: shared between functions to stand for instances of one deployment.
    static func run<T: Sendable>(
        signingKey: String? = Self.keySeed,
        store: InMemoryServerStore = InMemoryServerStore(),
        accessLog: AccessLogPolicy = .default,
        _ body: (LambdaFunctionHarness) async throws -> T
    ) async throws -> T {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "mcp.server") { _ in logs }
        logger.logLevel = .debug
        var authorizationServer: AuthorizationServer?
        if let signingKey {
            let configuration = AuthConfiguration()
            let keyRing = try await KeyRing.load(
                source: try SigningKeySecret.keySource(from: signingKey),
                store: store,
                tokenLifetime: configuration.tokenLifetime,
                logger: logger
            )
            authorizationServer = AuthorizationServer(configuration: configuration, store: store, keyRing: keyRing)
        }
        let dependencies = ServerDependencies(
            configuration: ServerConfiguration(accessLog: accessLog),
            dispatcher: MCPDispatcher(catalog: .builtIn, streamsProgress: false),
            store: store,
            baseURL: .requestContext,
            authorizationServer: authorizationServer
        )
        let metrics = RecordingMetricsSink()
        let handler = LambdaInvocationHandler(
            responder: buildRouter(context: LambdaRequestContext.self, dependencies: dependencies).buildResponder(),
            metrics: EmbeddedMetrics(namespace: "RemoteMCP", functionName: "mcp-server-test"),
            metricsSink: metrics,
            logger: logger
        )
        let runtime = ScriptedLambdaRuntime()
        let harness = LambdaFunctionHarness(runtime: runtime, metrics: metrics, logs: logs, store: store)
        let group = ServiceGroup(
            services: [LambdaService(runtime: runtime, handler: handler, logger: logger)],
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(harness))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    /// Invokes the function with `event` and returns what it posted to the Runtime API.
    func invoke(
        _ event: JSONValue,
        requestID: String = UUID().uuidString.lowercased(),
        deadline: Duration = .seconds(30)
    ) async -> ScriptedLambdaRuntime.Posted {
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return await self.runtime.invoke(
            LambdaInvocation(
                requestID: requestID,
                deadlineEpochMilliseconds: now + Int64(deadline / .milliseconds(1)),
                traceID: Self.traceID,
                event: ByteBuffer(bytes: event.serialized())
            )
        )
    }

    /// Invokes the function with `event` and reads its answer as an HTTP response document.
    func response(to event: JSONValue, deadline: Duration = .seconds(30)) async throws -> LambdaAnswer {
        let posted = await self.invoke(event, deadline: deadline)
        guard case .response(_, let body) = posted else { throw LambdaAnswer.NotAResponse(posted: posted) }
        return LambdaAnswer(document: try JSONValue(parsing: body))
    }

    /// The EMF lines written so far, parsed.
    var metricLines: [JSONValue] {
        self.metrics.lines.compactMap { try? JSONValue(parsing: $0) }
    }
}

/// A response document as Lambda hands it back to API Gateway.
struct LambdaAnswer: Sendable {
    let document: JSONValue

    var status: Int { self.document["statusCode"]?.numberValue?.int64Value.map(Int.init) ?? -1 }

    var body: String {
        let text = self.document["body"]?.stringValue ?? ""
        guard self.document["isBase64Encoded"]?.boolValue == true else { return text }
        return String(decoding: Base64.decode(text) ?? [], as: UTF8.self)
    }

    var json: JSONValue { (try? JSONValue(parsing: self.body)) ?? .null }

    /// A header from `headers` (payload 2.0) or `multiValueHeaders` (1.0), joined.
    func header(_ name: String) -> String? {
        if let single = self.document["headers"]?.objectValue {
            return single.first { $0.key.lowercased() == name.lowercased() }?.value.stringValue
        }
        let multi = self.document["multiValueHeaders"]?.objectValue?.first { $0.key.lowercased() == name.lowercased() }
        return multi?.value.arrayValue?.compactMap(\.stringValue).joined(separator: ", ")
    }

    struct NotAResponse: Error, CustomStringConvertible {
        let posted: ScriptedLambdaRuntime.Posted
        var description: String { "expected a response, got \(self.posted)" }
    }
}
