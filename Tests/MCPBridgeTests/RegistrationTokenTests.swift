import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Issue 10, section 2: against an mcp-server with `--registration token`, the bridge registers only with the
/// operator's initial access token, sent as a Bearer token at /dcr, and says what is missing when it has none.
@Suite("mcp-bridge with an initial access token", .childProcesses, .timeLimit(.minutes(2)))
struct RegistrationTokenTests {
    static let token = "initial-access-token-\(UUID().uuidString)"

    /// A server that lets only holders of ``token`` register.
    func server(_ harness: BridgeHarness) async throws -> ChildProcess {
        let file = harness.directory.appendingPathComponent("registration-token")
        try Self.token.write(to: file, atomically: true, encoding: .utf8)
        return try await harness.server(["--registration", "token", "--registration-token-file", file.path])
    }

    func register(
        _ harness: BridgeHarness,
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws
        -> ProcessRun
    {
        try await harness.command(["register"] + arguments, environment: environment)
    }

    @Test("register: refused without the token or with a wrong one, each with a message saying so; works with it")
    func registerCommand() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await self.server(harness)
        let url = server.mcpURL.absoluteString

        let without = try await self.register(harness, [url])
        #expect(without.status != 0)
        let missing = without.errors.joined(separator: "\n")
        #expect(missing.contains("needs the operator's initial access token"), "\(missing)")
        #expect(missing.contains("--registration-token-file"))
        #expect(harness.credentialFiles().isEmpty)

        let wrong = try await self.register(
            harness,
            [url],
            environment: ["MCP_BRIDGE_REGISTRATION_TOKEN": "not-the-token-at-all"]
        )
        #expect(wrong.status != 0)
        let refused = wrong.errors.joined(separator: "\n")
        #expect(refused.contains("refused the initial access token"), "\(refused)")
        #expect(!refused.contains("not-the-token-at-all"))
        #expect(harness.credentialFiles().isEmpty)

        let tokenFile = harness.directory.appendingPathComponent("token-for-bridge")
        try (Self.token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        let with = try await self.register(harness, [url, "--registration-token-file", tokenFile.path])
        #expect(with.status == 0, "\(with.errors)")
        #expect(with.output.first?.hasPrefix("Registered as ") == true)
        #expect(harness.credentialFiles().count == 1)
        #expect(server.auditCount("client.registered") == 1)
        #expect(!(with.output + with.errors).joined().contains(Self.token))
    }

    @Test("the relay: the host hears why registration failed; with the token from the environment it works")
    func relay() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await self.server(harness)

        let without = try harness.bridge([server.mcpURL.absoluteString])
        let refused = try await without.call(Lines.initialize(), id: "init")
        #expect(refused["error"]?["data"]?["kind"] == "authorization")
        #expect(refused["error"]?["message"]?.stringValue?.contains("initial access token") == true)
        without.closeInput()
        #expect(await without.waitForExit() == 0)

        let bridge = try harness.bridge(
            [server.mcpURL.absoluteString],
            environment: ["MCP_BRIDGE_REGISTRATION_TOKEN": Self.token]
        )
        #expect(try await bridge.initialize()["result"] != nil)
        #expect(toolText(try await bridge.call(Lines.echo("e", "registered"), id: "e")) == "registered")
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
        // The bridge logs at debug level here, and still never the token.
        #expect(!bridge.stderr.lines.joined(separator: "\n").contains(Self.token))
        #expect(server.auditCount("client.registered") == 1)
    }

    @Test("doctor stops at registration and says to pass the token; with it every step passes")
    func doctor() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await self.server(harness)
        let url = server.mcpURL.absoluteString

        let without = try await harness.command(["doctor", url])
        #expect(without.status == 1)
        #expect(without.output.contains { $0.hasPrefix("✗ registration and token:") }, "\(without.output)")
        #expect(without.output.contains { $0.hasPrefix("  → ") && $0.contains("MCP_BRIDGE_REGISTRATION_TOKEN") })

        let with = try await harness.command(
            ["doctor", url],
            environment: ["MCP_BRIDGE_REGISTRATION_TOKEN": Self.token]
        )
        #expect(with.status == 0, "\(with.output)")
        #expect(!(with.output + with.errors).joined().contains(Self.token))
    }

    @Test("the token comes from one place: the flag and the flag's file together are refused")
    func oneSource() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let both = try await self.register(
            harness,
            ["https://mcp.example.com/mcp", "--registration-token", "a", "--registration-token-file", "/dev/null"]
        )
        #expect(both.status != 0)
        #expect(both.errors.joined().contains("not both"))
    }
}
