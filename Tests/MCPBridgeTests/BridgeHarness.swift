import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// A temporary directory with a credential home, plus helpers to start servers and bridges in it.
struct BridgeHarness {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-\(UUID().uuidString)")

    var home: URL { self.directory.appendingPathComponent("home") }
    var database: String { self.directory.appendingPathComponent("server.sqlite").path }

    init() throws {
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// A real mcp-server with OAuth on, on its own SQLite file.
    func server(_ arguments: [String] = [], port: Int = 0) async throws -> ChildProcess {
        try await ChildProcess.mcpServer(["--database", self.database] + arguments, port: port)
    }

    /// The real mcp-bridge, as a desktop app launches it.
    func bridge(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        var env = ["MCP_BRIDGE_HOME": self.home.path, "MCP_BRIDGE_LOG": "debug"]
        env.merge(environment) { _, new in new }
        return try ChildProcess.mcpBridge(arguments, environment: env)
    }

    /// An `mcp-bridge` command (register, token, doctor, …) run to completion with this harness's credential home.
    func command(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessRun {
        var env = ["MCP_BRIDGE_HOME": self.home.path]
        env.merge(environment) { _, new in new }
        return try await ChildProcess.run(BuiltProduct.url(named: "mcp-bridge"), arguments, environment: env)
    }

    /// The credential files the bridges wrote.
    func credentialFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: self.home.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { self.home.appendingPathComponent($0) }
    }

    func storedCredentials() throws -> JSONValue {
        let files = self.credentialFiles()
        try #require(files.count == 1, "expected one credential file, found \(files.count)")
        return try JSONValue(parsing: Array(try Data(contentsOf: files[0])))
    }
}

/// JSON-RPC lines for the tests.
enum Lines {
    static func initialize(id: String = "init", version: String = "2025-06-18", capabilities: String = "{}") -> String {
        #"{"jsonrpc":"2.0","id":"\#(id)","method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":\#(capabilities),"clientInfo":{"name":"bridge-test","version":"1"}}}"#
    }

    static let initialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#

    static func call(_ id: String, _ tool: String, _ arguments: String, meta: String? = nil) -> String {
        let metaPart = meta.map { #","_meta":\#($0)"# } ?? ""
        return
            #"{"jsonrpc":"2.0","id":"\#(id)","method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)\#(metaPart)}}"#
    }

    static func echo(_ id: String, _ text: String) -> String {
        var encoded: [UInt8] = []
        JSONValue.writeString(text, to: &encoded)
        return self.call(id, "echo", #"{"text":\#(String(decoding: encoded, as: UTF8.self))}"#)
    }
}

extension ChildProcess {
    /// The answer (result or error, not a request) with this id, from a bridge's stdout.
    func answer(_ id: JSONValue) async throws -> JSONValue {
        let found = await self.stdout.first { line in
            guard let value = try? JSONValue(parsing: line) else { return false }
            return value["id"] == id && value["method"] == nil
        }
        let line = try #require(
            found,
            "no answer for \(id); bridge log:\n\(self.stderr.lines.suffix(30).joined(separator: "\n"))"
        )
        return try JSONValue(parsing: line)
    }

    func answer(_ id: String) async throws -> JSONValue {
        try await self.answer(.string(id))
    }

    /// Sends a request line and awaits its answer.
    func call(_ line: String, id: String) async throws -> JSONValue {
        self.send(line)
        return try await self.answer(id)
    }

    /// initialize + notifications/initialized.
    func initialize(version: String = "2025-06-18", capabilities: String = "{}") async throws -> JSONValue {
        let answer = try await self.call(Lines.initialize(version: version, capabilities: capabilities), id: "init")
        self.send(Lines.initialized)
        return answer
    }
}

extension ChildProcess {
    /// How many audit lines of `event` with outcome `success` a server logged so far.
    func auditCount(_ event: String) -> Int {
        self.stderr.lines.filter { $0.contains(#""event":"\#(event)""#) && $0.contains(#""outcome":"success""#) }
            .count
    }
}

/// The text of the first content item of a tools/call answer.
func toolText(_ answer: JSONValue) -> String? {
    answer["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
}

/// A server written with the official Python SDK (Tests/Interop/python_sdk_server.py), on `port` (0: the one the
/// kernel gives it; the result says which). A restart passes the port of the server it replaces.
func pythonServer(mode: String, port: Int = 0, extra: [String] = []) async throws -> ChildProcess {
    try await ChildProcess.interopHelper("python_sdk_server.py", [mode, String(port)] + extra)
}
