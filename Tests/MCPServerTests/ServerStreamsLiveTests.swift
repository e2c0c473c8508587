import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The 2026-07-28 features the bridge's translation needs, in the real binary: served versions from the command
/// line and the environment, and a listen stream that shutdown ends with its completion result.
@Suite("mcp-server as a process: versions and streams", .childProcesses, .timeLimit(.minutes(3)))
struct ServerStreamsLiveTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("streams-\(UUID().uuidString)")
    var databasePath: String { self.directory.appendingPathComponent("server.sqlite").path }

    static let modernHeaders = ["MCP-Protocol-Version": "2026-07-28", "Accept": "application/json, text/event-stream"]

    static func modern(_ method: String, id: String, params: String = "") -> String {
        let meta =
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
        return
            #"{"jsonrpc":"2.0","id":"\#(id)","method":"\#(method)","params":{\#(params.isEmpty ? meta : params + "," + meta)}}"#
    }

    @Test func theServedVersionsComeFromTheFlagOrTheEnvironment() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let modernOnly = try await ChildProcess.mcpServer(
            ["--database", self.databasePath, "--auth", "none", "--protocol-versions", "2026-07-28"]
        )
        let initialize = try await TestHTTP.post(
            modernOnly.mcpURL,
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        )
        #expect(initialize.status == 400)
        let refusal = try JSONValue(parsing: initialize.body)
        #expect(refusal["error"]?["code"] == -32022)
        #expect(refusal["error"]?["data"]?["supported"] == ["2026-07-28"])
        modernOnly.signal(SIGTERM)
        #expect(await modernOnly.waitForExit() == 0)

        let legacyOnly = try await ChildProcess.mcpServer(
            ["--database", self.databasePath, "--auth", "none"],
            environment: ["MCP_SERVER_PROTOCOL_VERSIONS": "legacy"]
        )
        var headers = Self.modernHeaders
        headers["Mcp-Method"] = "server/discover"
        let discover = try await TestHTTP.post(
            legacyOnly.mcpURL,
            Self.modern("server/discover", id: "d"),
            headers: headers
        )
        #expect(discover.status == 200)
        #expect(try JSONValue(parsing: discover.body)["error"]?["code"] == -32601)
        legacyOnly.signal(SIGTERM)
        #expect(await legacyOnly.waitForExit() == 0)
    }

    @Test func shutdownEndsAListenStreamWithItsCompletionResult() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let server = try await ChildProcess.mcpServer(
            ["--database", self.databasePath, "--auth", "none"],
            environment: ["MCP_SERVER_LOG_LEVEL": "debug"]
        )
        var headers = Self.modernHeaders
        headers["Mcp-Method"] = "subscriptions/listen"
        async let listen = TestHTTP.post(
            server.mcpURL,
            Self.modern("subscriptions/listen", id: "listen-1", params: #""notifications":{"toolsListChanged":true}"#),
            headers: headers
        )
        try await server.stderr.line { $0.contains("Subscription opened") }
        server.signal(SIGTERM)
        let answer = try await listen
        #expect(answer.status == 200)
        #expect(answer.header("content-type") == "text/event-stream")
        let messages = try answer.body.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map {
            try JSONValue(parsing: String($0.dropFirst(6)))
        }
        #expect(messages.first?["method"] == "notifications/subscriptions/acknowledged")
        #expect(messages.last?["id"] == "listen-1")
        #expect(messages.last?["result"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "listen-1")
        #expect(await server.waitForExit() == 0)
    }

    @Test func shutdownWithdrawsALegacyQuestionInsteadOfWaitingForItsAnswer() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let server = try await ChildProcess.mcpServer(
            ["--database", self.databasePath, "--auth", "none"],
            environment: ["MCP_SERVER_LOG_LEVEL": "debug"]
        )
        async let call = TestHTTP.post(
            server.mcpURL,
            #"{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"confirm","arguments":{"question":"Ship it?"}}}"#,
            headers: ["MCP-Protocol-Version": "2025-11-25"]
        )
        try await server.stderr.line { $0.contains("Tool started") }
        server.signal(SIGTERM)
        let answer = try await call
        #expect(answer.header("content-type") == "text/event-stream")
        let messages = try answer.body.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map {
            try JSONValue(parsing: String($0.dropFirst(6)))
        }
        #expect(messages.first?["method"] == "elicitation/create")
        #expect(messages.last?["id"] == "c1")
        #expect(messages.last?["result"]?["isError"] == true)
        #expect(await server.waitForExit() == 0)
    }
}
