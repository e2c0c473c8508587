public import Hummingbird
public import Logging
public import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Answers one invocation through the shared router: decodes the event, runs the request against the
/// deadline, caps the answer at Lambda's size limit and emits the invocation's metrics. Never throws, because
/// every event gets exactly one answer.
///
/// Nothing is kept between invocations except what the router itself holds (the key ring, the store client), so
/// any instance can answer any request.
public struct LambdaInvocationHandler<Responder: HTTPResponder>: Sendable
where Responder.Context == LambdaRequestContext {
    let responder: Responder
    let metrics: EmbeddedMetrics?
    let metricsSink: any MetricsSink
    let logger: Logger

    /// - Parameters:
    ///   - metrics: what EMF lines say; `nil` writes none.
    ///   - metricsSink: where EMF lines go.
    public init(
        responder: Responder,
        metrics: EmbeddedMetrics?,
        metricsSink: any MetricsSink = StandardOutputMetricsSink(),
        logger: Logger
    ) {
        self.responder = responder
        self.metrics = metrics
        self.metricsSink = metricsSink
        self.logger = logger
    }

    /// What one invocation produced.
    public enum Outcome: Sendable {
        /// The response document to post, serialized (it was measured against Lambda's limit as these bytes).
        case response([UInt8])
        /// The event could not be handled as an HTTP request.
        case failure(LambdaFunctionError)
    }

    /// Handles one invocation.
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
            source: LambdaRequestContextSource(
                logger: logger,
                sourceIP: event.sourceIP,
                urls: event.urls,
                clientCertificateDER: event.clientCertificatePEM.flatMap(ClientCertificate.init(pem:))?.der
            )
        )
        let answer = await self.respond(to: event, context: context, remaining: invocation.remainingTime())
        let (response, document) = LambdaResponseLimit.document(for: answer, event: event)
        if response.status != answer.status {
            logger.error("Response too large for Lambda", metadata: ["bytes": "\(answer.body.count)"])
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
            self.metricsSink.emit(metrics.document(for: sample).serialized())
        }
        return .response(document)
    }

    private func respond(
        to event: LambdaHTTPRequest,
        context: LambdaRequestContext,
        remaining: Duration?
    ) async -> LambdaHTTPResponse {
        guard let request = event.request else {
            return .hostError(status: 400, path: event.path, message: "invalid HTTP method")
        }
        let responder = self.responder
        do {
            let answer = try await LambdaDeadline.run(remaining: remaining) {
                try await Self.collect(responder: responder, request: request, context: context)
            }
            if let answer { return answer }
            context.logger.error("Request ran into the Lambda deadline", metadata: ["path": "\(event.path)"])
            return .hostError(
                status: 504,
                path: event.path,
                message: "the request did not finish before the function's deadline"
            )
        } catch {
            context.logger.error("Request failed", metadata: ["error": "\(error)"])
            return .hostError(status: 500, path: event.path, message: "internal error")
        }
    }

    /// Runs the router and gathers the body; errors that carry an HTTP answer become that answer.
    private static func collect(
        responder: Responder,
        request: Request,
        context: LambdaRequestContext
    ) async throws -> LambdaHTTPResponse {
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
}
