public import AsyncHTTPClient
public import Logging
public import MCPWire
public import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An error an AWS service answered with (its `__type`, shortened to the exception name, and message).
public struct AWSServiceError: Error, Sendable, CustomStringConvertible {
    /// The service that answered, for messages (`dynamodb`, `secretsmanager`).
    public var service: String
    public var type: String
    public var message: String
    public var status: Int

    public var description: String { "\(self.service) \(self.type) (HTTP \(self.status)): \(self.message)" }

    /// Throttling and server-side failures: worth retrying after a pause.
    var isRetryable: Bool {
        self.status >= 500
            || [
                "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
                "InternalServerError", "InternalServiceError", "ServiceUnavailable",
            ].contains(self.type)
    }
}

/// A small client for AWS's JSON protocols (DynamoDB, Secrets Manager): one SigV4-signed POST per operation,
/// named by the `X-Amz-Target` header.
public final class AWSJSONClient: Sendable {
    /// What differs between the JSON-protocol services we call.
    public struct Service: Sendable, Hashable {
        /// The signing name and the host prefix (`dynamodb`, `secretsmanager`).
        public var name: String
        /// Prefix of `X-Amz-Target` (`DynamoDB_20120810`).
        public var targetPrefix: String
        /// `application/x-amz-json-1.0` or `-1.1`.
        public var contentType: String
        /// The service-specific endpoint override (`AWS_ENDPOINT_URL_DYNAMODB`).
        public var endpointVariable: String

        public static let dynamoDB = Service(
            name: "dynamodb",
            targetPrefix: "DynamoDB_20120810",
            contentType: "application/x-amz-json-1.0",
            endpointVariable: "AWS_ENDPOINT_URL_DYNAMODB"
        )
        public static let secretsManager = Service(
            name: "secretsmanager",
            targetPrefix: "secretsmanager",
            contentType: "application/x-amz-json-1.1",
            endpointVariable: "AWS_ENDPOINT_URL_SECRETS_MANAGER"
        )
    }

    public let service: Service
    public let endpoint: URL
    let signer: AWSSigV4Signer
    let http: HTTPClient
    let logger: Logger
    let maxAttempts: Int
    let timeout: TimeAmount

    /// - Parameters:
    ///   - signer: signs for `service.name` in the endpoint's region.
    ///   - timeout: how long one attempt may take before it is abandoned (and retried). A timed-out write may still
    ///     have been applied, so a slow local endpoint needs a longer one than the service's 10 seconds.
    public init(
        service: Service = .dynamoDB,
        endpoint: URL,
        signer: AWSSigV4Signer,
        http: HTTPClient = .shared,
        logger: Logger,
        maxAttempts: Int = 5,
        timeout: TimeAmount = .seconds(10)
    ) {
        self.service = service
        self.endpoint = endpoint
        self.signer = signer
        self.http = http
        self.logger = logger
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }

    /// The endpoint of `service` in `region`, honouring the service's own override (`AWS_ENDPOINT_URL_DYNAMODB`)
    /// and then `AWS_ENDPOINT_URL`: the standard variables, used for local AWS-compatible servers.
    public static func endpoint(
        for service: Service = .dynamoDB,
        region: String,
        environment: [String: String]
    ) -> URL? {
        for name in [service.endpointVariable, "AWS_ENDPOINT_URL"] {
            if let value = environment[name], !value.isEmpty { return URL(string: value) }
        }
        return URL(string: "https://\(service.name).\(region).amazonaws.com")
    }

    /// Calls `operation` (for example `PutItem`) with `body`; retries throttling, 5xx and connection failures
    /// with exponential backoff and full jitter.
    public func call(_ operation: String, _ body: JSONValue) async throws -> JSONValue {
        let payload = body.serialized()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await self.send(operation, payload)
            } catch {
                // The service's own refusals are final unless they are throttling or 5xx; transport failures retry.
                let retryable = (error as? AWSServiceError)?.isRetryable ?? !(error is CancellationError)
                guard retryable, attempt < self.maxAttempts else { throw error }
                try await self.pause(attempt, operation: operation, reason: "\(error)")
            }
        }
    }

    private func pause(_ attempt: Int, operation: String, reason: String) async throws {
        // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): 0 ... 50 ms * 2^attempt, capped.
        let ceiling = min(50.0 * Double(1 << min(max(attempt - 1, 0), 16)), 2000.0)
        let delay = Double.random(in: 0...ceiling)
        self.logger.debug(
            "Retrying AWS call",
            metadata: [
                "aws.service": "\(self.service.name)", "operation": "\(operation)", "reason": "\(reason)",
                "delay_ms": "\(Int(delay))",
            ]
        )
        try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000))
    }

    private func send(_ operation: String, _ payload: [UInt8]) async throws -> JSONValue {
        var host = self.endpoint.host ?? ""
        if let port = self.endpoint.port { host += ":\(port)" }
        let target = "\(self.service.targetPrefix).\(operation)"
        let path = self.endpoint.path.isEmpty ? "/" : self.endpoint.path
        let headers: [(name: String, value: String)] = [
            ("Host", host), ("Content-Type", self.service.contentType), ("X-Amz-Target", target),
        ]
        var request = HTTPClientRequest(url: self.endpoint.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        for (name, value) in self.signer.signedHeaders(
            method: "POST",
            target: path,
            headers: headers,
            body: payload,
            date: Date()
        ) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: payload))
        let response = try await self.http.execute(request, timeout: self.timeout)
        let bytes = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        let json = (try? JSONValue(parsing: bytes)) ?? .object([:])
        guard response.status == .ok else {
            let type =
                (json["__type"]?.stringValue ?? "HTTP\(response.status.code)").split(separator: "#").last.map(
                    String.init
                ) ?? ""
            let message = json["message"]?.stringValue ?? json["Message"]?.stringValue ?? ""
            throw AWSServiceError(
                service: self.service.name,
                type: type,
                message: message,
                status: Int(response.status.code)
            )
        }
        return json
    }
}
