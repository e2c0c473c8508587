import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import MCPServerCore
import MCPWire
import NIOCore

/// Runs the shared router on AWS Lambda: takes events from the Runtime API one at a time, turns each into a
/// request, answers it through the router and posts the response (or the error) back.
///
/// Nothing is kept between invocations except what the router itself holds (the key ring, the store
/// client), so any instance can answer any request.
public struct LambdaHost<Responder: HTTPResponder>: Sendable where Responder.Context == LambdaRequestContext {
    /// Lambda refuses synchronous responses above 6 MB (6,291,456 bytes); the JSON around the body counts.
    public static var maxResponseBytes: Int { 6_291_456 }

    let runtime: LambdaRuntimeClient
    let responder: Responder
    let metrics: EmbeddedMetrics?
    let deadlineMargin: Duration
    let logger: Logger

    /// Each request carries the URLs its event was addressed to (domain and stage); a router built with a
    /// configured public URL replaces them.
    /// - Parameters:
    ///   - metrics: where EMF lines come from; `nil` writes none.
    ///   - deadlineMargin: how long before Lambda's deadline a request still running is answered with 504,
    ///     so the caller gets an answer instead of a killed function.
    public init(
        runtime: LambdaRuntimeClient,
        responder: Responder,
        metrics: EmbeddedMetrics?,
        deadlineMargin: Duration = .milliseconds(100),
        logger: Logger
    ) {
        self.runtime = runtime
        self.responder = responder
        self.metrics = metrics
        self.deadlineMargin = deadlineMargin
        self.logger = logger
    }

    /// What one invocation produced.
    public enum Outcome: Sendable {
        /// The response document to post, serialized (it was measured against Lambda's limit as these bytes).
        case response([UInt8])
        /// The event could not be handled as an HTTP request.
        case failure(LambdaFunctionError)
    }

    /// The loop: `next`, handle, answer; until the task is cancelled or the Runtime API fails.
    public func run() async throws {
        var coldStart = true
        while !Task.isCancelled {
            let invocation = try await self.runtime.next()
            switch await self.handle(invocation, coldStart: coldStart) {
            case .response(let document):
                try await self.runtime.respond(requestID: invocation.requestID, body: ByteBuffer(bytes: document))
            case .failure(let error):
                try await self.runtime.fail(requestID: invocation.requestID, error: error)
            }
            coldStart = false
        }
    }

    /// Handles one invocation; never throws, because every event gets exactly one answer.
    public func handle(_ invocation: LambdaInvocation, coldStart: Bool) async -> Outcome {
        let start = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "aws_request_id"] = "\(invocation.requestID)"
        if let trace = invocation.traceID { logger[metadataKey: "trace_id"] = "\(trace)" }
        let event: LambdaHTTPRequest
        do {
            event = try LambdaHTTPRequest(event: Array(invocation.event.readableBytesView))
        } catch {
            logger.error("Cannot handle the event", metadata: ["error": "\(error.message)"])
            return .failure(error)
        }
        if let gatewayID = event.gatewayRequestID { logger[metadataKey: "apigw_request_id"] = "\(gatewayID)" }
        let context = LambdaRequestContext(
            source: LambdaRequestContextSource(logger: logger, sourceIP: event.sourceIP, urls: Self.urls(of: event))
        )
        var response = await self.respond(to: event, context: context, remaining: invocation.remainingTime())
        var document = response.document(for: event.format).serialized()
        if document.count > Self.maxResponseBytes {
            logger.error("Response too large for Lambda", metadata: ["bytes": "\(response.body.count)"])
            response = Self.errorResponse(
                status: 502,
                path: event.path,
                message: "the response exceeds Lambda's 6 MB limit for synchronous invocations"
            )
            document = response.document(for: event.format).serialized()
        }
        if let metrics = self.metrics {
            let sample = EmbeddedMetrics.Sample(
                route: context.coreContext.endpointPath.value ?? "NotFound",
                status: response.status,
                latencyMilliseconds: (ContinuousClock.now - start).inMilliseconds,
                coldStart: coldStart,
                requestID: invocation.requestID,
                traceID: invocation.traceID
            )
            var line = metrics.document(for: sample).serialized()
            line.append(UInt8(ascii: "\n"))
            FileHandle.standardOutput.write(Data(line))
        }
        return .response(document)
    }

    private func respond(
        to event: LambdaHTTPRequest,
        context: LambdaRequestContext,
        remaining: Duration?
    ) async
        -> LambdaHTTPResponse
    {
        guard let method = HTTPRequest.Method(event.method) else {
            return Self.errorResponse(status: 400, path: event.path, message: "invalid HTTP method")
        }
        var fields = HTTPFields()
        for (name, value) in event.headers {
            guard let name = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: name, value: value))
        }
        let head = HTTPRequest(
            method: method,
            scheme: "https",
            authority: event.headers.first { $0.name.lowercased() == "host" }?.value ?? event.domainName,
            path: event.target,
            headerFields: fields
        )
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: event.body)))
        let responder = self.responder
        let budget = remaining.map { $0 - self.deadlineMargin }
        do {
            return try await withThrowingTaskGroup(of: LambdaHTTPResponse.self) { group in
                group.addTask { try await Self.collect(responder: responder, request: request, context: context) }
                if let budget {
                    group.addTask {
                        try await Task.sleep(for: max(budget, .zero))
                        throw DeadlineReached()
                    }
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch is DeadlineReached {
            context.logger.error("Request ran into the Lambda deadline", metadata: ["path": "\(event.path)"])
            return Self.errorResponse(
                status: 504,
                path: event.path,
                message: "the request did not finish before the function's deadline"
            )
        } catch {
            context.logger.error("Request failed", metadata: ["error": "\(error)"])
            return Self.errorResponse(status: 500, path: event.path, message: "internal error")
        }
    }

    private struct DeadlineReached: Error {}

    /// The URLs an event was addressed to: its domain and stage, else its `Host` header.
    static func urls(of event: LambdaHTTPRequest) -> ServerURLs {
        if let base = event.publicBaseURL { return ServerURLs(base: base) }
        let host = event.headers.first { $0.name.lowercased() == "host" }?.value ?? event.domainName ?? "localhost"
        return ServerURLs(base: "https://" + host)
    }

    /// Runs the router and gathers the body; errors that carry an HTTP answer become that answer.
    private static func collect(
        responder: Responder,
        request: Request,
        context: LambdaRequestContext
    ) async throws
        -> LambdaHTTPResponse
    {
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        return LambdaHTTPResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name.canonicalName, $0.value) },
            body: collector.bytes
        )
    }

    /// A JSON error answer made by the host itself: JSON-RPC shaped on the MCP endpoint, OAuth shaped elsewhere.
    static func errorResponse(status: Int, path: String, message: String) -> LambdaHTTPResponse {
        let body: JSONValue
        if path.hasSuffix("/mcp") {
            body = JSONRPCErrorResponse(id: nil, error: JSONRPCError(code: .internalError, message: message)).json
        } else {
            body = ["error": status == 400 ? "invalid_request" : "server_error", "error_description": .string(message)]
        }
        return LambdaHTTPResponse(
            status: status,
            headers: [("content-type", "application/json")],
            body: body.serialized()
        )
    }
}

/// Gathers a streamed response body into one buffer (Lambda's buffered responses take the body whole).
private final class BodyCollector: ResponseBodyWriter {
    private(set) var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        self.bytes.append(contentsOf: buffer.readableBytesView)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
