import Crypto
import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The real mcp-bridge binary against a real mcp-server with OAuth on: what Claude Desktop would see.
@Suite("mcp-bridge against mcp-server (OAuth)", .childProcesses, .timeLimit(.minutes(3)))
struct BridgeWithMCPServerTests {
    @Test("a full session: zero-config OAuth, every id type and unknown field relayed, 2026-07-28 headers derived")
    func fullSession() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridge = try harness.bridge([server.mcpURL.absoluteString])

        let initialize = try await bridge.initialize()
        #expect(initialize["result"]?["protocolVersion"] == "2025-06-18")
        let list = try await bridge.call(#"{"jsonrpc":"2.0","id":"list","method":"tools/list"}"#, id: "list")
        #expect(list["result"]?["tools"]?.arrayValue?.count == 7)

        // Ids of every allowed type come back exactly; unknown fields and _meta travel untouched.
        bridge.send(
            #"{"jsonrpc":"2.0","id":0,"method":"tools/call","params":{"name":"echo","arguments":{"text":"zero"},"_meta":{"x-trace":"t1"}},"x-unknown":{"keep":[1,2.50]}}"#
        )
        bridge.send(#"{"jsonrpc":"2.0","id":-7,"method":"ping"}"#)
        bridge.send(Lines.echo("ïd ✓", "héllo\nwörld \u{1F600}"))
        #expect(toolText(try await bridge.answer(.number(JSONNumber(0)))) == "zero")
        #expect(try await bridge.answer(.number(JSONNumber(-7)))["result"] == .object([:]))
        #expect(toolText(try await bridge.answer("ïd ✓")) == "héllo\nwörld \u{1F600}")

        // A 2026-07-28 request: the bridge adds Mcp-Method and Mcp-Name, which the server requires.
        let meta =
            #"{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
        let discover = try await bridge.call(
            #"{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{"_meta":\#(meta)}}"#,
            id: "d"
        )
        #expect(discover["result"]?["supportedVersions"]?.arrayValue?.contains("2026-07-28") == true)
        let modern = try await bridge.call(Lines.call("m", "add", #"{"a":2,"b":3}"#, meta: meta), id: "m")
        #expect(modern["result"]?["structuredContent"]?["sum"] == 5)

        // Every stdout line is a JSON-RPC message.
        for line in bridge.stdout.lines {
            #expect((try? JSONRPCMessage(parsing: Array(line.utf8))) != nil, "\(line)")
        }

        // Credentials: one file, 0600 in a 0700 directory; the secret and the token never reach the log.
        let stored = try harness.storedCredentials()
        #expect(stored["client_name"]?.stringValue?.hasPrefix("mcp-bridge on ") == true)
        let file = try #require(harness.credentialFiles().first)
        #expect(try Self.permissions(file.path) == 0o600)
        #expect(try Self.permissions(harness.home.path) == 0o700)
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
        let log = bridge.stderr.lines.joined(separator: "\n")
        for secret in [stored["client_secret"], stored["access_token"], stored["registration_access_token"]] {
            let text = try #require(secret?.stringValue)
            #expect(!log.contains(text))
        }
        #expect(server.auditCount("client.registered") == 1)
        #expect(server.auditCount("token.issued") == 1)
    }

    @Test("progress notifications reach the host before the answer")
    func progressBeforeAnswer() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        let answer = try await bridge.call(
            Lines.call("c", "countdown", #"{"steps":3}"#, meta: #"{"progressToken":"tok"}"#),
            id: "c"
        )
        #expect(answer["result"] != nil)
        let lines = bridge.stdout.lines
        let progress = lines.indices.filter {
            lines[$0].contains("notifications/progress") && lines[$0].contains("tok")
        }
        let final = try #require(lines.firstIndex { $0.contains(#""id":"c""#) })
        #expect(progress.count == 3)
        #expect(progress.allSatisfy { $0 < final })
    }

    @Test("1 MiB and 8 MiB messages are relayed intact", arguments: [1 << 20, 8 << 20])
    func largeMessages(size: Int) async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server(["--max-body-bytes", String(32 << 20)])
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        let text = String((0..<size).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let answer = try await bridge.call(Lines.echo("big", text), id: "big")
        #expect(toolText(answer)?.utf8.count == size)
        #expect(toolText(answer) == text)
    }

    @Test("100 requests in flight all get their answer; a slow one does not hold up the fast ones")
    func manyInFlight() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        bridge.send(Lines.call("slow", "countdown", #"{"steps":1,"delayMs":2000}"#))
        for index in 0..<100 { bridge.send(Lines.echo("r\(index)", "value \(index)")) }
        for index in 0..<100 { #expect(toolText(try await bridge.answer("r\(index)")) == "value \(index)") }
        #expect(try await bridge.answer("slow")["result"] != nil)
        let lines = bridge.stdout.lines
        let slowIndex = try #require(lines.firstIndex { $0.contains(#""id":"slow""#) })
        let lastFast = try #require(lines.lastIndex { $0.contains(#""id":"r"#) })
        #expect(lastFast < slowIndex, "answers were held behind the slow request")
        #expect(lines.count == 102)
    }

    @Test("the server restarts mid-session: the request it dropped gets an error, later ones work")
    func serverRestart() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        var server = try await harness.server(["--log-level", "debug"])
        let port = try #require(server.mcpURL.port)
        let bridge = try harness.bridge([server.mcpURL.absoluteString, "--timeout", "20"])
        _ = try await bridge.initialize()
        bridge.send(Lines.call("dropped", "countdown", #"{"steps":1,"delayMs":10000}"#))
        // Wait until the server is handling it, then kill the server.
        try await server.stderr.line { $0.contains("Tool started") }
        server.signal(SIGKILL)
        _ = await server.waitForExit()
        let dropped = try await bridge.answer("dropped")
        #expect(dropped["error"]?["data"]?["kind"] == "connection-lost")
        server = try await harness.server(port: port)
        #expect(toolText(try await bridge.call(Lines.echo("after", "back"), id: "after")) == "back")
        // The token survived: it is signed with the key kept in the database.
        #expect(server.auditCount("token.issued") == 0)
    }

    @Test("a request sent while the server is down waits for it to come back (connection retries)")
    func requestDuringRestart() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        var server = try await harness.server()
        let port = try #require(server.mcpURL.port)
        let bridge = try harness.bridge([server.mcpURL.absoluteString, "--timeout", "30"])
        _ = try await bridge.initialize()
        server.signal(SIGTERM)
        _ = await server.waitForExit()
        bridge.send(Lines.echo("waiting", "patience"))
        try await bridge.stderr.line { $0.contains("Connecting failed; retrying") }
        server = try await harness.server(port: port)
        #expect(toolText(try await bridge.answer("waiting")) == "patience")
    }

    @Test("tokens are renewed ahead of expiry mid-session, with no error reaching the host")
    func tokenRenewedBeforeExpiry() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server(["--token-ttl", "10"])
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        let first = try harness.storedCredentials()["access_token"]
        // The token lives 10 s; the bridge renews it once half of that is left. Waiting for the clock is the
        // point here, so call at a steady pace until the renewal shows up.
        var index = 0
        while server.auditCount("token.issued") < 2 {
            index += 1
            #expect(toolText(try await bridge.call(Lines.echo("t\(index)", "x"), id: "t\(index)")) == "x")
            try await Task.sleep(for: .milliseconds(250))
            try #require(index < 200, "the token was never renewed")
        }
        #expect(try harness.storedCredentials()["access_token"] != first)
        #expect(!server.stderr.lines.contains { $0.contains("token.rejected") })
    }

    @Test("a token the server stops accepting (new signing key) is replaced and the request retried once")
    func invalidTokenMidSession() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let keyA = harness.directory.appendingPathComponent("a.pem")
        let keyB = harness.directory.appendingPathComponent("b.pem")
        try P256.Signing.PrivateKey().pemRepresentation.write(to: keyA, atomically: true, encoding: .utf8)
        try P256.Signing.PrivateKey().pemRepresentation.write(to: keyB, atomically: true, encoding: .utf8)
        var server = try await harness.server(["--signing-key-file", keyA.path])
        let port = try #require(server.mcpURL.port)
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        #expect(toolText(try await bridge.call(Lines.echo("one", "1"), id: "one")) == "1")
        server.signal(SIGTERM)
        _ = await server.waitForExit()
        server = try await harness.server(["--signing-key-file", keyB.path], port: port)
        #expect(toolText(try await bridge.call(Lines.echo("two", "2"), id: "two")) == "2")
        #expect(server.stderr.lines.contains { $0.contains("token.rejected") })
        #expect(server.auditCount("token.issued") == 1)
        #expect(server.auditCount("client.registered") == 0)
    }

    @Test("a client deleted on the server is registered again, and the session goes on")
    func clientDeletedOnServer() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        let stored = try harness.storedCredentials()
        let deleted = try await TestHTTP.request(
            try #require(stored["registration_client_uri"]?.stringValue.flatMap(URL.init(string:))),
            method: .delete,
            headers: ["Authorization": "Bearer \(try #require(stored["registration_access_token"]?.stringValue))"]
        )
        #expect(deleted.status == 204)
        #expect(toolText(try await bridge.call(Lines.echo("again", "still here"), id: "again")) == "still here")
        let fresh = try harness.storedCredentials()
        #expect(fresh["client_id"] != stored["client_id"])
        #expect(server.auditCount("client.registered") == 2)
    }

    @Test("five bridges started at once on an empty store register once and fetch one token")
    func fiveBridgesRegisterOnce() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridges = try (0..<5).map { _ in try harness.bridge([server.mcpURL.absoluteString]) }
        for bridge in bridges { bridge.send(Lines.initialize()) }
        for bridge in bridges { #expect(try await bridge.answer("init")["result"] != nil) }
        #expect(server.auditCount("client.registered") == 1)
        #expect(server.auditCount("token.issued") == 1)
        #expect(harness.credentialFiles().count == 1)
        for bridge in bridges { bridge.closeInput() }
        for bridge in bridges { #expect(await bridge.waitForExit() == 0) }
    }

    @Test("closing stdin: the request in flight is still answered, then the bridge exits 0")
    func stdinClosed() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server(["--log-level", "debug"])
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        _ = try await bridge.initialize()
        bridge.send(Lines.call("last", "countdown", #"{"steps":1,"delayMs":500}"#))
        try await server.stderr.line { $0.contains("Tool started") }
        bridge.closeInput()
        #expect(try await bridge.answer("last")["result"] != nil)
        #expect(await bridge.waitForExit() == 0)
    }

    @Test("garbage from the host is answered when it has an id, logged otherwise, and never stops the bridge")
    func garbageLines() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridge = try harness.bridge([server.mcpURL.absoluteString])
        bridge.send("this is not json")
        bridge.send(#"{"jsonrpc":"2.0","id":5,"method":"#)
        bridge.send(#"{"jsonrpc":"1.0","id":"bad-version","method":"ping"}"#)
        bridge.send(#"[{"jsonrpc":"2.0","id":"in-batch","method":"ping"}]"#)
        bridge.write(Data([0xFF, 0xFE, 0x7B, 0x0A]))
        bridge.send("")
        let invalid = try await bridge.answer("bad-version")
        #expect(invalid["error"]?["code"] == -32600)
        #expect(try await bridge.initialize()["result"] != nil)
        #expect(toolText(try await bridge.call(Lines.echo("ok", "fine"), id: "ok")) == "fine")
        #expect(bridge.stderr.lines.filter { $0.contains("not a JSON-RPC message") }.count >= 4)
        #expect(bridge.isRunning)
    }

    @Test("an unreachable server and a silent one get clear errors, not hangs")
    func unreachableAndTimeout() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let closed = try ClosedLoopbackPort()
        let nowhere = try harness.bridge(["http://127.0.0.1:\(closed.port)/mcp", "--timeout", "1"])
        let unreachable = try await nowhere.call(Lines.initialize(), id: "init")
        #expect(unreachable["error"]?["data"]?["kind"] == "unreachable")

        let server = try await harness.server()
        let bridge = try harness.bridge([server.mcpURL.absoluteString, "--timeout", "1"])
        _ = try await bridge.initialize()
        let slow = try await bridge.call(Lines.call("slow", "countdown", #"{"steps":1,"delayMs":3000}"#), id: "slow")
        #expect(slow["error"]?["data"]?["kind"] == "timeout")
    }

    @Test("a refused static credential says to run mcp-bridge doctor")
    func staticCredentialRefused() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let bridge = try harness.bridge(
            [server.mcpURL.absoluteString, "--header", "Authorization: Bearer ${WRONG_TOKEN}"],
            environment: ["WRONG_TOKEN": "not-a-token"]
        )
        let answer = try await bridge.call(Lines.initialize(), id: "init")
        #expect(answer["error"]?["data"]?["kind"] == "authorization")
        #expect(answer["error"]?["message"]?.stringValue?.contains("mcp-bridge doctor") == true)
        #expect(harness.credentialFiles().isEmpty)
    }

    @Test("http_proxy is honoured: OAuth and MCP traffic go through the proxy", .needsPython)
    func throughProxy() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let server = try await harness.server()
        let proxy = try await ChildProcess.interopHelper("forward_proxy.py", ["0"])
        let bridge = try harness.bridge(
            [server.mcpURL.absoluteString],
            environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)"]
        )
        _ = try await bridge.initialize()
        #expect(toolText(try await bridge.call(Lines.echo("p", "via proxy"), id: "p")) == "via proxy")
        // AsyncHTTPClient tunnels through the proxy with CONNECT, for http and https alike.
        let authority = "\(server.mcpURL.host!):\(server.mcpURL.port!)"
        #expect(proxy.stderr.lines.contains { $0 == "proxied CONNECT \(authority)" })
    }

    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
    }
}
