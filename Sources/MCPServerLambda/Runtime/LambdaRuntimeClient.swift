public import AsyncHTTPClient
import MCPWire
public import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A client of the Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`, 2018-06-01): fetch the next event, post its
/// response or its error, or report that start-up failed.
///
/// It speaks plain HTTP to the endpoint Lambda gives (`127.0.0.1:9001` in practice), over one pooled
/// connection that stays open between invocations.
public struct LambdaRuntimeClient: LambdaRuntime {
    /// Why the runtime must stop: the Runtime API refused us or went away.
    public struct RuntimeAPIError: Error, Sendable, CustomStringConvertible {
        public var call: String
        public var status: Int?
        public var detail: String

        public var description: String {
            "Runtime API \(self.call) failed" + (self.status.map { " with HTTP \($0)" } ?? "") + ": \(self.detail)"
        }
    }

    private let base: String
    private let http: HTTPClient

    /// - Parameter endpoint: the value of `AWS_LAMBDA_RUNTIME_API` (`host:port`).
    public init(endpoint: String, http: HTTPClient = .shared) {
        self.base = "http://\(endpoint)/2018-06-01/runtime"
        self.http = http
    }

    /// Waits (as long as it takes: Lambda freezes the process meanwhile) for the next event.
    public func next() async throws -> LambdaInvocation {
        let request = HTTPClientRequest(url: self.base + "/invocation/next")
        let response: HTTPClientResponse
        do {
            response = try await self.http.execute(request, deadline: .distantFuture)
        } catch {
            throw RuntimeAPIError(call: "next", status: nil, detail: "\(error)")
        }
        let body = try await response.body.collect(upTo: Self.maxEventBytes)
        guard response.status == .ok else {
            throw RuntimeAPIError(call: "next", status: Int(response.status.code), detail: String(buffer: body))
        }
        guard let requestID = response.headers.first(name: "Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty else {
            throw RuntimeAPIError(call: "next", status: 200, detail: "no Lambda-Runtime-Aws-Request-Id header")
        }
        return LambdaInvocation(
            requestID: requestID,
            deadlineEpochMilliseconds: response.headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap { Int64($0) },
            traceID: response.headers.first(name: "Lambda-Runtime-Trace-Id"),
            event: body
        )
    }

    /// Posts the function's result for `requestID`.
    public func respond(requestID: String, body: ByteBuffer) async throws {
        try await self.post("/invocation/\(Self.escaped(requestID))/response", body: body, errorType: nil)
    }

    /// Reports that handling `requestID` failed.
    public func fail(requestID: String, error: LambdaFunctionError) async throws {
        try await self.post(
            "/invocation/\(Self.escaped(requestID))/error",
            body: ByteBuffer(bytes: error.json.serialized()),
            errorType: error.type
        )
    }

    /// Reports that the function could not start; Lambda then ends the environment.
    public func initFailed(_ error: LambdaFunctionError) async throws {
        try await self.post("/init/error", body: ByteBuffer(bytes: error.json.serialized()), errorType: error.type)
    }

    /// Events (and responses) are at most 6 MB synchronously; a little slack for the JSON around them.
    static let maxEventBytes = 7 * 1024 * 1024

    private func post(_ path: String, body: ByteBuffer, errorType: String?) async throws {
        var request = HTTPClientRequest(url: self.base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let errorType { request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType) }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await self.http.execute(request, timeout: .seconds(30))
        } catch {
            throw RuntimeAPIError(call: path, status: nil, detail: "\(error)")
        }
        let answer = try await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw RuntimeAPIError(call: path, status: Int(response.status.code), detail: String(buffer: answer))
        }
    }

    /// Request ids are UUIDs, but nothing from outside goes into a URL unescaped.
    private static func escaped(_ id: String) -> String {
        PercentEncoding.encode(id, keeping: PercentEncoding.isPathSegmentCharacter)
    }
}
