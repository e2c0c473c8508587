import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The commands people run in a terminal, as processes.
@Suite("mcp-bridge commands", .childProcesses, .timeLimit(.minutes(2)))
struct BridgeCommandTests {
    func run(_ harness: BridgeHarness, _ arguments: [String], home: URL? = nil) async throws -> ProcessRun {
        try await harness.command(arguments, environment: home.map { ["HOME": $0.path] } ?? [:])
    }

    @Test("register, token, status and logout against mcp-server")
    func credentialCommands() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let url = server.mcpURL.absoluteString

        let register = try await self.run(harness, ["register", url, "--client-name", "laptop of test"])
        #expect(register.status == 0, "\(register.errors)")
        let stored = try harness.storedCredentials()
        let clientID = try #require(stored["client_id"]?.stringValue)
        #expect(register.output.first?.contains(clientID) == true)
        #expect(register.output.contains { $0.contains(harness.home.path) })
        #expect(stored["client_name"] == "laptop of test")

        let again = try await self.run(harness, ["register", url])
        #expect(again.output.first?.contains("Already registered as \(clientID)") == true)

        let token = try await self.run(harness, ["token", url])
        #expect(token.status == 0)
        let jwt = try #require(token.output.first)
        #expect(jwt.split(separator: ".").count == 3)
        // The token works on /mcp.
        let call = try await TestHTTP.post(
            server.mcpURL,
            #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            headers: ["Authorization": "Bearer \(jwt)"]
        )
        #expect(call.status == 200)

        let status = try await self.run(harness, ["status"])
        let text = status.output.joined(separator: "\n")
        #expect(text.contains(clientID))
        #expect(text.contains("valid for"))
        for secret in [stored["client_secret"], stored["registration_access_token"]] {
            #expect(!text.contains(try #require(secret?.stringValue)))
        }
        #expect(!text.contains(jwt))

        let logout = try await self.run(harness, ["logout", url])
        #expect(logout.status == 0)
        // The token is revoked first (RFC 7009), then the registration deleted (RFC 7592).
        #expect(logout.output.first?.hasPrefix("Revoked the access token at ") == true, "\(logout.output)")
        #expect(logout.output.contains("Deleted client \(clientID) on the server."), "\(logout.output)")
        #expect(harness.credentialFiles().isEmpty)
        #expect(server.auditCount("client.deleted") == 1)
    }

    @Test("config prints a snippet with the bridge's absolute path")
    func configSnippets() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let binary = try BuiltProduct.url(named: "mcp-bridge").path
        let claude = try await self.run(
            harness,
            ["config", "claude", "https://mcp.example.com/mcp", "--name", "tools"]
        )
        let json = try JSONValue(parsing: claude.output.joined(separator: "\n"))
        let entry = try #require(json["mcpServers"]?["tools"])
        #expect(entry["command"]?.stringValue == binary)
        #expect(entry["args"] == ["https://mcp.example.com/mcp"])
        let code = try await self.run(harness, ["config", "claude-code", "https://mcp.example.com/mcp"])
        #expect(code.output == ["claude mcp add --scope user mcp-example-com -- \(binary) https://mcp.example.com/mcp"])
    }

    @Test("install merges into the real config file: keeps other entries, backs up, is idempotent, refuses bad JSON")
    func install() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let home = harness.directory.appendingPathComponent("user")
        let cursorFile = home.appendingPathComponent(".cursor/mcp.json")

        let created = try await self.run(harness, ["install", "cursor", "https://a.example.com/mcp"], home: home)
        #expect(created.status == 0)
        #expect(created.output.first?.hasPrefix("Created \(cursorFile.path)") == true)

        let existing =
            #"{"theme":"dark","mcpServers":{"other":{"command":"npx","args":["x"],"env":{"K":"1.50"}}},"n":1.0}"#
        try existing.write(to: cursorFile, atomically: true, encoding: .utf8)
        let updated = try await self.run(
            harness,
            ["install", "cursor", "https://a.example.com/mcp", "--name", "a"],
            home: home
        )
        #expect(updated.status == 0)
        let merged = try JSONValue(parsing: Array(try Data(contentsOf: cursorFile)))
        #expect(merged["theme"] == "dark")
        #expect(merged["n"]?.numberValue?.literal == "1.0")
        #expect(merged["mcpServers"]?["other"]?["env"]?["K"] == "1.50")
        #expect(merged["mcpServers"]?["a"]?["args"] == ["https://a.example.com/mcp"])
        let backups = try FileManager.default.contentsOfDirectory(atPath: cursorFile.deletingLastPathComponent().path)
            .filter { $0.contains("backup") }
        #expect(backups.count == 1)

        let unchanged = try await self.run(
            harness,
            ["install", "cursor", "https://a.example.com/mcp", "--name", "a"],
            home: home
        )
        #expect(unchanged.output.first?.contains("nothing changed") == true)

        let claudeFile = harness.directory.appendingPathComponent("claude_desktop_config.json")
        try "{ not json".write(to: claudeFile, atomically: true, encoding: .utf8)
        let refused = try await self.run(
            harness,
            ["install", "claude", "https://a.example.com/mcp", "--config-file", claudeFile.path]
        )
        #expect(refused.status != 0)
        #expect(try String(contentsOf: claudeFile, encoding: .utf8) == "{ not json")
    }

    @Test("doctor walks every step against mcp-server, and stops at the first failure with a fix")
    func doctor() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let good = try await self.run(harness, ["doctor", server.mcpURL.absoluteString])
        #expect(good.status == 0, "\(good.output)")
        for step in ["DNS", "TCP", "/mcp reachable", "discovery", "registration", "token", "initialize", "tools/list"] {
            #expect(good.output.contains { $0.hasPrefix("✓ \(step):") }, "missing \(step) in \(good.output)")
        }
        let closed = try ClosedLoopbackPort()
        let bad = try await self.run(harness, ["doctor", "http://127.0.0.1:\(closed.port)/mcp"])
        #expect(bad.status == 1)
        #expect(bad.output.contains { $0.hasPrefix("✗ TCP:") })
        #expect(bad.output.contains { $0.hasPrefix("  → ") })
    }

    @Test("plain http to a remote host is refused unless --allow-http")
    func plainHTTPRefused() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let refused = try await self.run(harness, ["token", "http://mcp.example.com/mcp"])
        #expect(refused.status != 0)
        #expect(refused.errors.joined().contains("--allow-http"))
    }
}
