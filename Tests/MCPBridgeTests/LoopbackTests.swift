import Foundation
import Testing

@testable import MCPBridgeCore

/// Issue 10, defect 9: plain http:// is allowed only to this machine, and "this machine" is decided by parsing
/// the host as an address, not by how its name starts.
@Suite("loopback hosts")
struct LoopbackTests {
    @Test(
        "localhost and IP literals in 127.0.0.0/8 and ::1 are loopback",
        arguments: [
            "http://localhost/mcp", "http://LOCALHOST:8080/mcp", "http://127.0.0.1:8080/mcp", "http://127.255.3.4/mcp",
            "http://[::1]:9/mcp", "http://[0:0:0:0:0:0:0:1]/mcp", "http://[::ffff:127.0.0.1]/mcp",
        ]
    )
    func loopback(url: String) throws {
        #expect(NetworkSettings.isLoopback(try #require(URL(string: url))))
        try NetworkSettings().check(try #require(URL(string: url)))
    }

    @Test(
        "names that merely look like loopback are not, and plain http to them is refused",
        arguments: [
            "http://127.evil.example/mcp", "http://127.0.0.1.evil.example/mcp", "http://localhost.evil.example/mcp",
            "http://evil.localhost/mcp", "http://127.1/mcp", "http://0x7f.0.0.1/mcp", "http://[::2]/mcp",
            "http://128.0.0.1/mcp", "http://[::ffff:10.0.0.1]/mcp",
        ]
    )
    func notLoopback(url: String) throws {
        let parsed = try #require(URL(string: url))
        #expect(!NetworkSettings.isLoopback(parsed))
        #expect(throws: BridgeError.self) { try NetworkSettings().check(parsed) }
    }
}
