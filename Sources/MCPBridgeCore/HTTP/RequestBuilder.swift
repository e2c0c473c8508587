import AsyncHTTPClient
import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds every request the bridge sends to the MCP server, whatever the transport, so each carries the same
/// headers in the same way: the bridge's `User-Agent`, the user's `--header`s, the session, the protocol
/// version, and the access token.
struct RequestBuilder: Sendable {
    /// The headers the user configured, sent on every request to the server (never to the authorization server).
    let userHeaders: [HeaderField]

    /// A request to `url`.
    ///
    /// - Parameters:
    ///   - sessionID: The `Mcp-Session-Id` the server assigned, once it has.
    ///   - protocolVersion: The `MCP-Protocol-Version`: the negotiated one, or the request's own (2026-07-28).
    ///   - token: The access token; sent as `Authorization: Bearer`.
    ///   - accept: What the answer may be; replaces an `Accept` the user configured.
    ///   - body: A JSON-RPC message, sent as `application/json`.
    ///   - lastEventID: The last event seen on an SSE stream that broke, to resume it after that event.
    func request(
        _ method: HTTPMethod,
        _ url: URL,
        sessionID: String? = nil,
        protocolVersion: String? = nil,
        token: String?,
        accept: String? = nil,
        body: [UInt8]? = nil,
        lastEventID: String? = nil
    ) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers.add(name: "User-Agent", value: BridgeHTTP.userAgent)
        for header in self.userHeaders { request.headers.add(name: header.name, value: header.value) }
        if let sessionID { request.headers.add(name: MCPHeader.sessionID, value: sessionID) }
        if let protocolVersion { request.headers.add(name: MCPHeader.protocolVersion, value: protocolVersion) }
        if let accept { request.headers.replaceOrAdd(name: "Accept", value: accept) }
        // A token exists only under OAuth, which is off when the user configured an Authorization header.
        if let token { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)") }
        if let lastEventID { request.headers.add(name: MCPHeader.lastEventID, value: lastEventID) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }
}
