import Foundation
import Testing

@testable import MCPBridgeCore

/// The operator's initial access token goes only to a registration endpoint on the MCP server's own origin.
@Suite("initial access token origin")
struct RegistrationTokenOriginTests {
    @Test func onlyTheServersOwnOrigin() {
        let server = URL(string: "https://mcp.example.com/mcp")!
        #expect(TokenProvider.sameOrigin("https://mcp.example.com/dcr", server))
        #expect(TokenProvider.sameOrigin("https://MCP.example.com:443/register", server))
        #expect(!TokenProvider.sameOrigin("https://evil.example/dcr", server))
        #expect(!TokenProvider.sameOrigin("http://mcp.example.com/dcr", server))
        #expect(!TokenProvider.sameOrigin("https://mcp.example.com:8443/dcr", server))
        #expect(!TokenProvider.sameOrigin("https://mcp.example.com.evil.example/dcr", server))
        #expect(!TokenProvider.sameOrigin("not a url", server))
        let local = URL(string: "http://127.0.0.1:8080/mcp")!
        #expect(TokenProvider.sameOrigin("http://127.0.0.1:8080/dcr", local))
        #expect(!TokenProvider.sameOrigin("http://127.0.0.1:8081/dcr", local))
    }
}
