import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

@Suite("mcp-server as a process", .childProcesses, .timeLimit(.minutes(3)))
struct LiveServerTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString)")
    var databasePath: String { self.directory.appendingPathComponent("server.sqlite").path }

    @Test func versionFlagPrintsTheVersion() async throws {
        let run = try await ChildProcess.run(BuiltProduct.url(named: "mcp-server"), ["--version"])
        #expect(run.output == ["0.1.0"])
        #expect(run.status == 0)
    }

    @Test func readyLineIsTheOnlyOneWithTheURLAndLogsAreJSON() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        // Every request's line: by default (--access-log errors) a success like this one has none.
        let server = try await ChildProcess.mcpServer(
            ["--database", self.databasePath, "--auth", "none", "--access-log", "all"]
        )
        let secret = "s3cr3t-\(UUID().uuidString)"
        let answer = try await TestHTTP.post(
            server.mcpURL,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\#(secret)"}}}"#
        )
        #expect(answer.status == 200)
        #expect(answer.body.contains(secret))
        let requestLine = try await server.stderr.line { $0.contains(#""path":"/mcp""#) }
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)

        let log = try JSONValue(parsing: requestLine)
        #expect(log["method"] == "POST")
        #expect(log["status"] == 200)
        #expect(log["duration_ms"]?.numberValue != nil)
        #expect(log["request_id"]?.stringValue?.isEmpty == false)
        #expect(log["timestamp"]?.stringValue?.hasSuffix("Z") == true)
        #expect(log["level"] == "info")
        let lines = server.stderr.lines
        #expect(lines.filter { $0.contains(server.mcpURL.absoluteString) }.count == 1)
        #expect(
            lines.allSatisfy { (try? JSONValue(parsing: $0))?["message"] != nil },
            "every stderr line is a JSON log object"
        )
        #expect(!lines.contains { $0.contains(secret) }, "request bodies never reach the log")
    }

    @Test func textLogFormatIsForPeople() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let server = try await ChildProcess.mcpServer([
            "--database", self.databasePath, "--log-format", "text", "--auth", "none",
        ])
        #expect(server.stderr.lines.last == "mcp-server ready: \(server.mcpURL.absoluteString)")
        server.signal(SIGINT)
        #expect(await server.waitForExit() == 0)
    }

    @Test func sigtermFinishesInFlightRequestsThenClosesTheDatabase() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let server = try await ChildProcess.mcpServer(
            ["--database", self.databasePath, "--auth", "none"],
            environment: ["MCP_SERVER_LOG_LEVEL": "debug"]
        )
        #expect(FileManager.default.fileExists(atPath: self.databasePath + "-wal"))
        async let slow = TestHTTP.post(
            server.mcpURL,
            #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"countdown","arguments":{"steps":4,"delayMs":250}}}"#
        )
        // The tool is running once the server says so; then ask it to stop.
        try await server.stderr.line { $0.contains("Tool started") }
        server.signal(SIGTERM)
        let answer = try await slow
        #expect(answer.status == 200)
        #expect(answer.body.contains("Liftoff after 4 steps"))
        // Awaited, not read once the process has exited: its last lines may still be in the pipe then.
        try await server.stderr.line { $0.contains("Closed database") }
        #expect(await server.waitForExit() == 0)
        // SQLite removes the WAL file when the last connection closes cleanly.
        #expect(!FileManager.default.fileExists(atPath: self.databasePath + "-wal"))
    }

    @Test func anUnopenableDatabaseFailsClearly() async throws {
        let run = try await ChildProcess.run(
            BuiltProduct.url(named: "mcp-server"),
            ["--port", "0", "--database", "/proc/forbidden/x.sqlite"]
        )
        #expect(run.status != 0)
        let failure = run.errors.first { $0.contains("Cannot open the store") }
        #expect(failure?.contains("/proc/forbidden/x.sqlite") == true)
    }
}
