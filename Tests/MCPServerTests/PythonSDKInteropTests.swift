import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The official Python MCP SDK (`mcp` from PyPI, pinned in Tests/Interop/requirements.txt) against a live
/// mcp-server. `scripts/test.sh` installs it and sets `REMOTE_MCP_PYTHON`.
@Suite(
    "Interop with the Python MCP SDK",
    .enabled(if: ProcessInfo.processInfo.environment["REMOTE_MCP_PYTHON"] != nil, "run scripts/test.sh"),
    .timeLimit(.minutes(3))
)
struct PythonSDKInteropTests {
    @Test(arguments: ["legacy", "auto"])
    func pythonClientUsesEveryFeature(_ mode: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServerProcess(arguments: [
            "--database", directory.appendingPathComponent("db.sqlite").path,
        ])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Interop/python_sdk_client.py").standardizedFileURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["REMOTE_MCP_PYTHON"]!)
        process.arguments = [script.path, server.mcpURL.absoluteString, mode]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errorLines = LineStream.lines(of: errors.fileHandleForReading)
        var lines: [String] = []
        for await line in LineStream.lines(of: output.fileHandleForReading) { lines.append(line) }
        var errorText: [String] = []
        for await line in errorLines { errorText.append(line) }
        process.waitUntilExit()
        server.send(SIGTERM)
        _ = await server.waitForExit()

        let report = try JSONValue(
            parsing: try #require(lines.last, "no output; stderr: \(errorText.joined(separator: "\n"))")
        )
        #expect(report["problems"] == [], "\(report["problems"] ?? .null)")
        #expect(process.terminationStatus == 0, "\(errorText.suffix(20).joined(separator: "\n"))")
        let expectedVersion: JSONValue = mode == "legacy" ? "2025-11-25" : "2026-07-28"
        #expect(report["seen"]?["protocol_version"] == expectedVersion)
    }
}
