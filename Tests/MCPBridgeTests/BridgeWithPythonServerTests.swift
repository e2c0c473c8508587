import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The bridge against servers we did not write: the official Python MCP SDK (pinned in
/// Tests/Interop/requirements.txt) in its JSON, SSE and legacy HTTP+SSE modes.
@Suite("mcp-bridge against the Python MCP SDK server", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct BridgeWithPythonServerTests {
    @Test("JSON mode (stateless): a full session")
    func jsonMode() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await pythonServer(mode: "json")
        let bridge = try harness.bridge(["http://127.0.0.1:\(server.port)/mcp"])
        let initialize = try await bridge.initialize()
        #expect(initialize["result"]?["serverInfo"]?["name"] == "python-sdk-test-server")
        let list = try await bridge.call(#"{"jsonrpc":"2.0","id":"list","method":"tools/list"}"#, id: "list")
        #expect(list["result"]?["tools"]?.arrayValue?.count == 4)
        let echoed = try await bridge.call(Lines.echo("e", "grüße"), id: "e")
        #expect(
            toolText(echoed) == "grüße",
            "answer: \(echoed.serializedString().prefix(500))\nbridge log:\n\(bridge.stderr.lines.suffix(20).joined(separator: "\n"))"
        )
        let big = String(repeating: "x", count: 1 << 20)
        let bigEchoed = try await bridge.call(Lines.echo("big", big), id: "big")
        #expect(toolText(bigEchoed) == big, "answer: \(bigEchoed.serializedString().prefix(500))")
        #expect(harness.credentialFiles().isEmpty, "a server without auth needs no registration")
    }

    @Test("SSE mode (sessions): progress before the answer, and a server request answered by the host")
    func sseMode() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await pythonServer(mode: "sse")
        let bridge = try harness.bridge(["http://127.0.0.1:\(server.port)/mcp"])
        _ = try await bridge.initialize(capabilities: #"{"elicitation":{}}"#)

        let done = try await bridge.call(
            Lines.call("p", "progress", #"{"steps":3}"#, meta: #"{"progressToken":7}"#),
            id: "p"
        )
        #expect(toolText(done) == "done after 3 steps")
        let lines = bridge.stdout.lines
        let progress = lines.indices.filter { lines[$0].contains("notifications/progress") }
        let final = try #require(lines.firstIndex { $0.contains(#""id":"p""#) })
        #expect(progress.count == 3 && progress.allSatisfy { $0 < final })

        // The server asks the host (elicitation/create) in the middle of a tool call; the host's answer goes back.
        bridge.send(Lines.call("c", "confirm", #"{"question":"Proceed?"}"#))
        let asked = try await bridge.stdout.line { $0.contains("elicitation/create") }
        let request = try JSONValue(parsing: asked)
        let requestID = try #require(request["id"])
        bridge.send(
            #"{"jsonrpc":"2.0","id":\#(requestID.serializedString()),"result":{"action":"accept","content":{"confirm":true}}}"#
        )
        #expect(toolText(try await bridge.answer("c")) == "confirmed=True")

        // A notification outside any request travels on the GET stream the bridge keeps open.
        try await bridge.stderr.line { $0.contains("Listening for server messages on the GET stream") }
        #expect(toolText(try await bridge.call(Lines.call("a", "announce", "{}"), id: "a")) == "announced")
        try await bridge.stdout.line { $0.contains("notifications/tools/list_changed") }
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
        // At end of input the bridge ended the server session (DELETE with the session id).
        let ended = try await bridge.stderr.line { $0.contains("Ended the server session") }
        #expect(ended.contains("status=200"))
    }

    /// Regression: the ready marker "ready" was once found inside uvicorn's "address already in use", so a test
    /// whose port had been taken talked to another test's server.
    @Test("a server whose port is taken fails to start; it is not taken for ready")
    func portTaken() async throws {
        let first = try await pythonServer(mode: "json")
        await #expect(throws: (any Error).self) { try await pythonServer(mode: "json", port: first.port) }
    }

    @Test("SSE mode: the server restarts and forgets the session; the bridge initializes again and retries")
    func sessionLost() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        var server = try await pythonServer(mode: "sse")
        let port = server.port
        let bridge = try harness.bridge(["http://127.0.0.1:\(port)/mcp"])
        _ = try await bridge.initialize()
        #expect(toolText(try await bridge.call(Lines.echo("before", "1"), id: "before")) == "1")
        // Killed, not stopped: uvicorn's graceful stop would wait for the bridge's open GET stream.
        server.signal(SIGKILL)
        _ = await server.waitForExit()
        server = try await pythonServer(mode: "sse", port: port)
        #expect(toolText(try await bridge.call(Lines.echo("after", "2"), id: "after")) == "2")
        #expect(bridge.stderr.lines.contains { $0.contains("lost the session") })
        #expect(!bridge.stdout.lines.contains { $0.contains("error") })
    }

    @Test(
        "legacy HTTP+SSE (2024-11-05): found by fallback from the same URL, or chosen with --transport sse",
        arguments: ["auto", "sse"]
    )
    func legacySSE(transport: String) async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await pythonServer(mode: "legacy")
        let bridge = try harness.bridge(["http://127.0.0.1:\(server.port)/sse", "--transport", transport])
        let initialize = try await bridge.initialize(version: "2024-11-05")
        #expect(initialize["result"]?["serverInfo"]?["name"] == "python-sdk-test-server")
        let list = try await bridge.call(#"{"jsonrpc":"2.0","id":"list","method":"tools/list"}"#, id: "list")
        #expect(list["result"]?["tools"]?.arrayValue?.count == 4)
        for index in 0..<20 { bridge.send(Lines.echo("e\(index)", "v\(index)")) }
        for index in 0..<20 { #expect(toolText(try await bridge.answer("e\(index)")) == "v\(index)") }
        let done = try await bridge.call(
            Lines.call("p", "progress", #"{"steps":2}"#, meta: #"{"progressToken":"q"}"#),
            id: "p"
        )
        #expect(toolText(done) == "done after 2 steps")
        #expect(bridge.stdout.lines.filter { $0.contains("notifications/progress") }.count == 2)
    }

    @Test("HTTPS: a private CA is refused with a hint, and trusted with --ca-file")
    func privateCertificateAuthority() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let certificate = harness.directory.appendingPathComponent("ca.pem").path
        let server = try await pythonServer(mode: "tls", extra: [certificate])
        let url = "https://127.0.0.1:\(server.port)/mcp"

        let untrusting = try harness.bridge([url, "--timeout", "2"])
        let refused = try await untrusting.call(Lines.initialize(), id: "init")
        #expect(refused["error"]?["data"]?["kind"] == "unreachable")
        #expect(refused["error"]?["message"]?.stringValue?.contains("--ca-file") == true)

        let trusting = try harness.bridge([url, "--ca-file", certificate])
        let initialize = try await trusting.initialize()
        #expect(initialize["result"]?["serverInfo"]?["name"] == "python-sdk-test-server")
        #expect(toolText(try await trusting.call(Lines.echo("tls", "over TLS"), id: "tls")) == "over TLS")
    }
}
