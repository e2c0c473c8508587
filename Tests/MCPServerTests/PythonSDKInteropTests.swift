import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The official Python MCP SDK (`mcp` from PyPI, pinned in Tests/Interop/requirements.txt) and PyJWT against
/// a live mcp-server. `scripts/test.sh` installs them and sets `REMOTE_MCP_PYTHON`.
@Suite("Interop with the Python MCP SDK", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct PythonSDKInteropTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString)")

    @Test(arguments: ["legacy", "auto"])
    func pythonClientUsesEveryFeature(_ mode: String) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let database = self.directory.appendingPathComponent("db.sqlite").path
        let server = try await ChildProcess.mcpServer(["--database", database, "--auth", "none"])
        let report = try await Self.runClient(url: server.mcpURL, mode: mode)
        let expectedVersion: JSONValue = mode == "legacy" ? "2025-11-25" : "2026-07-28"
        #expect(report["seen"]?["protocol_version"] == expectedVersion)
    }

    /// The SDK's client-credentials provider finds the authorization server from nothing but the MCP URL,
    /// gets a token, calls tools; PyJWT verifies that token against `/jwks.json`.
    @Test(arguments: ["legacy", "auto"])
    func pythonClientCredentialsProviderDiscoversAndAuthenticates(_ mode: String) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let database = self.directory.appendingPathComponent("db.sqlite").path
        let server = try await ChildProcess.mcpServer(["--database", database])
        let base = server.mcpURL.deletingLastPathComponent().absoluteString.trimmingCharacters(in: ["/"])
        let registration = try await TestHTTP.post(
            URL(string: base + "/dcr")!,
            #"{"client_name":"python interop","grant_types":["client_credentials"],"application_type":"native"}"#
        )
        #expect(registration.status == 201)
        let client = try JSONValue(parsing: registration.body)
        let report = try await Self.runClient(
            url: server.mcpURL,
            mode: mode,
            environment: [
                "MCP_CLIENT_ID": try #require(client["client_id"]?.stringValue),
                "MCP_CLIENT_SECRET": try #require(client["client_secret"]?.stringValue),
                "MCP_ISSUER": base,
            ]
        )
        #expect(report["seen"]?["jwt"]?["scope"] == "mcp:read mcp:tools")
        try await server.stderr.line { $0.contains(#""event":"token.issued""#) }
    }

    /// Runs Tests/Interop/python_sdk_client.py and returns its JSON report, failing on any reported problem.
    static func runClient(url: URL, mode: String, environment: [String: String] = [:]) async throws -> JSONValue {
        let run = try await ChildProcess.run(
            try #require(Interop.python),
            [Interop.script("python_sdk_client.py").path, url.absoluteString, mode],
            environment: environment
        )
        let lines = run.output
        let errorText = run.errors
        let last = try #require(lines.last, "no output; stderr: \(errorText.suffix(30).joined(separator: "\n"))")
        let report = try JSONValue(parsing: last)
        #expect(report["problems"] == [], "\(report["problems"] ?? .null)")
        #expect(run.status == 0, "\(errorText.suffix(20).joined(separator: "\n"))")
        return report
    }
}
