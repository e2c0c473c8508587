import AsyncHTTPClient
import Foundation
import MCPWire
import NIOCore
import NIOHTTP1

/// POSTs a body to a live server (JSON-RPC by default, with the headers a conforming client sends).
///
/// AsyncHTTPClient rather than URLSession: URLSession on Linux tries to answer a 401 Basic challenge
/// itself and never returns, and a test must see that 401.
func post(
    _ url: URL,
    _ body: String,
    headers: [String: String] = [:]
) async throws -> (
    status: Int, body: String, contentType: String?
) {
    var request = HTTPClientRequest(url: url.absoluteString)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: "Accept", value: "application/json, text/event-stream")
    for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
    return (Int(response.status.code), String(buffer: bytes), response.headers.first(name: "Content-Type"))
}
