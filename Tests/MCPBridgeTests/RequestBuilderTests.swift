import AsyncHTTPClient
import Foundation
import MCPWire
import NIOHTTP1
import Testing

@testable import MCPBridgeCore

@Suite("request builder")
struct RequestBuilderTests {
    let url = URL(string: "https://mcp.example.com/mcp")!

    @Test("user headers, session, version, Bearer token and User-Agent, each once")
    func everyHeader() throws {
        let builder = RequestBuilder(userHeaders: [
            HeaderField(name: "X-Team", value: "blue"),
            HeaderField(name: "Accept", value: "text/plain"),
        ])
        let request = builder.request(
            .POST,
            self.url,
            sessionID: "s-1",
            protocolVersion: "2025-06-18",
            token: "abc",
            accept: "application/json, text/event-stream",
            body: Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8),
            lastEventID: "7"
        )
        #expect(request.method == .POST)
        #expect(request.url == self.url.absoluteString)
        #expect(request.headers["User-Agent"] == [BridgeHTTP.userAgent])
        #expect(request.headers["X-Team"] == ["blue"])
        #expect(request.headers["Accept"] == ["application/json, text/event-stream"])
        #expect(request.headers[MCPHeader.sessionID] == ["s-1"])
        #expect(request.headers[MCPHeader.protocolVersion] == ["2025-06-18"])
        #expect(request.headers["Authorization"] == ["Bearer abc"])
        #expect(request.headers["Content-Type"] == ["application/json"])
        #expect(request.headers[MCPHeader.lastEventID] == ["7"])
    }

    @Test("without a token or a session, only what was configured")
    func nothingExtra() {
        let request = RequestBuilder(userHeaders: [HeaderField(name: "Authorization", value: "Basic eDp5")])
            .request(.GET, self.url, token: nil, accept: "text/event-stream")
        #expect(request.headers["Authorization"] == ["Basic eDp5"])
        #expect(request.headers[MCPHeader.sessionID].isEmpty)
        #expect(request.headers[MCPHeader.protocolVersion].isEmpty)
        #expect(request.headers["Content-Type"].isEmpty)
        #expect(request.headers.count == 3)
    }
}
