import Foundation
import Hummingbird
import Logging
import MCPServerCore
import MCPServerLambda
import MCPWire
import NIOCore
import Testing

/// ``LambdaInvocationHandler/handle(_:coldStart:)`` in process, with a small router: the limits and failures that
/// need a route made for them.
@Suite("Lambda invocation handler")
struct LambdaInvocationHandlerTests {
    static func host(
        metricsSink: any MetricsSink = RecordingMetricsSink()
    ) -> LambdaInvocationHandler<RouterResponder<LambdaRequestContext>> {
        let router = Router(context: LambdaRequestContext.self)
        router.get("/big") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(repeating: 0x61, count: 7_000_000))
            )
        }
        router.get("/teapot") { _, _ -> Response in throw HTTPError(.badRequest, message: "no tea") }
        router.get("/crash") { _, _ -> Response in throw CancellationError() }
        router.get("/ip") { _, context -> String in context.clientIPAddress ?? "none" }
        router.get("/urls") { _, context -> String in context.urls.resource }
        router.get("/slow") { _, _ -> String in
            // Ends only when cancelled: a handler that waited for it instead of the deadline would never answer.
            try await Task.sleep(for: .seconds(3600))
            return "too late"
        }
        return LambdaInvocationHandler(
            responder: router.buildResponder(),
            metrics: EmbeddedMetrics(namespace: "Test", functionName: "fn"),
            metricsSink: metricsSink,
            logger: Logger(label: "test")
        )
    }

    static func invocation(_ path: String, deadlineIn milliseconds: Int64 = 30_000) -> LambdaInvocation {
        let event: JSONValue = [
            "version": "2.0", "rawPath": .string(path), "rawQueryString": "",
            "requestContext": [
                "domainName": "u.lambda-url.us-east-1.on.aws", "stage": "$default",
                "http": ["method": "GET", "path": .string(path), "sourceIp": "198.51.100.7"],
            ],
        ]
        return LambdaInvocation(
            requestID: "r",
            deadlineEpochMilliseconds: Int64(Date().timeIntervalSince1970 * 1000) + milliseconds,
            traceID: nil,
            event: ByteBuffer(bytes: event.serialized())
        )
    }

    static func response(_ path: String) async throws -> JSONValue {
        guard case .response(let bytes) = await Self.host().handle(Self.invocation(path), coldStart: false) else {
            throw Unexpected()
        }
        return try JSONValue(parsing: bytes)
    }

    struct Unexpected: Error {}

    @Test("a response over Lambda's 6 MB limit becomes a 502 that says so")
    func oversizedResponse() async throws {
        let document = try await Self.response("/big")
        #expect(document["statusCode"] == 502)
        #expect(document["body"]?.stringValue?.contains("6 MB") == true)
    }

    @Test("errors with an HTTP meaning keep it; others become a JSON 500; unknown paths 404")
    func errors() async throws {
        #expect(try await Self.response("/teapot")["statusCode"] == 400)
        let crash = try await Self.response("/crash")
        #expect(crash["statusCode"] == 500)
        #expect(crash["headers"]?["content-type"] == "application/json")
        #expect(try await Self.response("/nowhere")["statusCode"] == 404)
    }

    @Test("the caller's address reaches the context (rate limits key on it)")
    func sourceIP() async throws {
        #expect(try await Self.response("/ip")["body"] == "198.51.100.7")
    }

    @Test("each request's URLs follow its event's domain")
    func urlsFollowTheEvent() async throws {
        #expect(try await Self.response("/urls")["body"] == "https://u.lambda-url.us-east-1.on.aws/mcp")
    }

    @Test(
        "a request still running near the deadline is answered 504, well before Lambda would kill it",
        .timeLimit(.minutes(1))
    )
    func deadline() async throws {
        guard
            case .response(let bytes) = await Self.host().handle(
                Self.invocation("/slow", deadlineIn: 400),
                coldStart: false
            )
        else { throw Unexpected() }
        #expect(try JSONValue(parsing: bytes)["statusCode"] == 504)
    }

    @Test("one EMF line per invocation goes to the injected sink, with the matched route")
    func metricsGoToTheSink() async throws {
        let sink = RecordingMetricsSink()
        _ = await Self.host(metricsSink: sink).handle(Self.invocation("/ip"), coldStart: true)
        let lines = sink.lines
        #expect(lines.count == 1)
        let line = try JSONValue(parsing: try #require(lines.first))
        #expect(line["Route"] == "/ip")
        #expect(line["ColdStart"] == 1)
        #expect(line["_aws"]?["CloudWatchMetrics"] != nil)
    }

    @Test("an event that is not an HTTP request is a failure for the error endpoint, and writes no metrics")
    func invalidEvent() async throws {
        let sink = RecordingMetricsSink()
        let invocation = LambdaInvocation(
            requestID: "r",
            deadlineEpochMilliseconds: nil,
            traceID: nil,
            event: ByteBuffer(string: "{}")
        )
        guard case .failure(let error) = await Self.host(metricsSink: sink).handle(invocation, coldStart: false) else {
            throw Unexpected()
        }
        #expect(error.type == "Runtime.InvalidEvent")
        #expect(sink.lines.isEmpty)
    }
}
