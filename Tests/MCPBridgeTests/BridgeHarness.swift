import AsyncHTTPClient
import Foundation
import MCPWire
import NIOCore
import NIOHTTP1
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
    func server(_ arguments: [String] = [], port: Int = 0) async throws -> ServerProcess {
        try await ServerProcess(arguments: ["--database", self.database] + arguments, port: port)
    }

    /// The real mcp-bridge, as a desktop app launches it.
    func bridge(_ arguments: [String], environment: [String: String] = [:]) throws -> BridgeProcess {
        var env = ["MCP_BRIDGE_HOME": self.home.path, "MCP_BRIDGE_LOG": "debug"]
        env.merge(environment) { _, new in new }
        return try BridgeProcess(arguments: arguments, environment: env)
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

extension BridgeProcess {
    /// The answer (result or error, not a request) with this id.
    func answer(_ id: JSONValue) async throws -> JSONValue {
        let line = await self.line { line in
            guard let value = try? JSONValue(parsing: line) else { return false }
            return value["id"] == id && value["method"] == nil
        }
        let found = try #require(
            line,
            "no answer for \(id); bridge log:\n\(self.stderrLines.lines.suffix(30).joined(separator: "\n"))"
        )
        return try JSONValue(parsing: found)
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

extension ServerProcess {
    /// How many audit lines of `event` with outcome `success` the server logged so far.
    func auditCount(_ event: String) -> Int {
        self.stderrLines.lines.filter { $0.contains(#""event":"\#(event)""#) && $0.contains(#""outcome":"success""#) }
            .count
    }

    var baseURL: String {
        self.mcpURL.deletingLastPathComponent().absoluteString.trimmingCharacters(in: ["/"])
    }
}

/// The text of the first content item of a tools/call answer.
func toolText(_ answer: JSONValue) -> String? {
    answer["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
}

/// One HTTP request with AsyncHTTPClient (URLSession hangs on some 401s on Linux).
func httpRequest(
    _ url: String,
    method: HTTPMethod = .GET,
    headers: [(String, String)] = [],
    body: String? = nil
) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: bytes))
}

/// The Python interpreter with the pinned MCP SDK (scripts/test.sh sets it).
let pythonInterpreter = ProcessInfo.processInfo.environment["REMOTE_MCP_PYTHON"]

/// A server written with the official Python SDK (Tests/Interop/python_sdk_server.py), on `port` (0: the one the
/// kernel gives it; the result says which). A restart passes the port of the server it replaces.
func pythonServer(mode: String, port: Int = 0, extra: [String] = []) async throws -> HelperProcess {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Interop/python_sdk_server.py").standardizedFileURL.path
    return try await HelperProcess(
        executable: try #require(pythonInterpreter),
        arguments: [script, mode, String(port)] + extra
    )
}
