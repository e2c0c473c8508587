import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// HTTP to a live server (a child process), for the tests that need a socket; in-process router tests use
/// Hummingbird's test client instead.
///
/// AsyncHTTPClient rather than URLSession: URLSession on Linux answers some 401 challenges itself and never
/// returns, and a test must see that 401.
public enum TestHTTP {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case delete = "DELETE"
    }

    /// One answer, its body read whole.
    public struct Response: Sendable {
        public let status: Int
        public let body: String
        let headers: HTTPHeaders

        /// The first value of header `name`.
        public func header(_ name: String) -> String? { self.headers.first(name: name) }
    }

    /// Sends one request and reads the whole answer.
    public static func request(
        _ url: URL,
        method: Method = .get,
        headers: [String: String] = [:],
        body: String? = nil
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method.rawValue)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Response(status: Int(response.status.code), body: String(buffer: bytes), headers: response.headers)
    }

    /// POSTs `body` with the headers a conforming MCP client sends (JSON, accepting JSON and event streams), plus
    /// `headers`, which win.
    public static func post(_ url: URL, _ body: String, headers: [String: String] = [:]) async throws -> Response {
        let standard = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
        return try await Self.request(
            url,
            method: .post,
            headers: standard.merging(headers) { _, new in new },
            body: body
        )
    }
}
