import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Era translation with real programs on both sides: the official Python MCP SDK (pinned) as the host over stdio
/// (Tests/Interop/era_host.py), the real mcp-bridge, and a server that speaks only the other era: mcp-server
/// with `--protocol-versions`, or the Python SDK's own server made legacy-only.
@Suite("mcp-bridge translating between MCP eras", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct BridgeEraTests {
    /// Runs the SDK host of `era` through a bridge to `url` and returns what it saw.
    static func host(
        _ era: String,
        _ scenario: String,
        url: URL,
        harness: BridgeHarness,
        bridgeArguments: [String] = []
    ) async throws -> (seen: JSONValue, run: ProcessRun) {
        let python = try #require(Interop.python)
        let run = try await ChildProcess.run(
            python,
            [Interop.script("era_host.py").path, era, scenario, "--", BuiltProduct.url(named: "mcp-bridge").path]
                + [url.absoluteString] + bridgeArguments,
            environment: ["MCP_BRIDGE_HOME": harness.home.path, "MCP_BRIDGE_LOG": "debug"]
        )
        let line = run.output.last ?? ""
        let seen = try JSONValue(parsing: Array(line.utf8))
        return (seen, run)
    }

    static func log(_ run: ProcessRun) -> String {
        run.errors.suffix(40).joined(separator: "\n")
    }

    @Test("a legacy host (initialize) uses a 2026-07-28-only mcp-server: lists, progress, elicitation, changes")
    func legacyHostModernServer() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server(["--protocol-versions", "2026-07-28"])
        let (seen, run) = try await Self.host("legacy", "mcp-server", url: server.mcpURL, harness: harness)
        #expect(run.status == 0, "\(Self.log(run))")
        #expect(seen["protocolVersion"] == "2025-11-25")
        #expect(seen["tools"]?.arrayValue?.contains("confirm") == true)
        #expect(seen["countdown"] == "Liftoff after 3 steps")
        #expect(seen["progressSeen"] == 3)
        #expect(seen["confirm"] == "yes", "\(Self.log(run))")
        #expect(seen["counterUpdated"] == true)
        #expect(seen["notifications"]?.arrayValue?.contains("notifications/tools/list_changed") == true)
        #expect(run.errors.contains { $0.contains("translating=true") })
        // The server saw only 2026-07-28 requests: it would have refused anything else.
        #expect(!server.stderr.lines.contains { $0.contains("Unsupported protocol version") })
    }

    @Test("a 2026-07-28 host uses a legacy-only mcp-server, with an elicitation round trip")
    func modernHostLegacyServer() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server(["--protocol-versions", "2025-11-25"])
        let (seen, run) = try await Self.host("modern", "mcp-server-calls", url: server.mcpURL, harness: harness)
        #expect(run.status == 0, "\(Self.log(run))")
        #expect(seen["protocolVersion"] == "2026-07-28")
        #expect(seen["countdown"] == "Liftoff after 3 steps")
        #expect(seen["progressSeen"] == 3)
        #expect(seen["confirm"] == "yes", "\(Self.log(run))")
    }

    @Test("a 2026-07-28 host uses the Python SDK's server made legacy-only, with an elicitation round trip")
    func modernHostPythonLegacyServer() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await pythonServer(mode: "sse-legacy-only")
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/mcp"))
        let (seen, run) = try await Self.host("modern", "python", url: url, harness: harness)
        #expect(run.status == 0, "\(Self.log(run))")
        #expect(seen["echo"] == "grüße")
        #expect(seen["confirm"] == "confirmed=True", "\(Self.log(run))")
        #expect(seen["progress"] == "done after 3 steps")
        #expect(seen["progressSeen"] == 3)
    }

    @Test("a host that declared no elicitation capability gets an error it can show, not a hang")
    func hostWithoutElicitation() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server(["--protocol-versions", "2026-07-28"])
        let (seen, run) = try await Self.host("legacy", "no-elicit", url: server.mcpURL, harness: harness)
        #expect(run.status == 0, "\(Self.log(run))")
        let error = try #require(seen["error"]?.stringValue, "\(Self.log(run))")
        #expect(error.contains("elicitation"))
    }

    @Test("the server changes era between runs: the cached era is checked and found again")
    func serverChangesEra() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        var server = try await harness.server(["--protocol-versions", "2025-11-25"])
        let port = try #require(server.mcpURL.port)
        let first = try await Self.host("modern", "echo", url: server.mcpURL, harness: harness)
        #expect(first.seen["echo"] == "grüße", "\(Self.log(first.run))")
        #expect(first.run.errors.contains { $0.contains("translating=true") })
        _ = await server.stop()

        // The same URL now serves only 2026-07-28: the cache says legacy, the server refuses, the bridge asks again.
        server = try await harness.server(["--protocol-versions", "2026-07-28"], port: port)
        let second = try await Self.host("modern", "echo", url: server.mcpURL, harness: harness)
        #expect(second.seen["echo"] == "grüße", "\(Self.log(second.run))")
        #expect(
            second.run.errors.contains {
                $0.contains("does not speak the client's protocol era") || $0.contains("asking it which era")
            }
        )
        // And a third run trusts what the second learned: no probe.
        let third = try await Self.host("modern", "echo", url: server.mcpURL, harness: harness)
        #expect(third.seen["echo"] == "grüße")
        #expect(!third.run.errors.contains { $0.contains("Probed the server's era") })
    }
}
