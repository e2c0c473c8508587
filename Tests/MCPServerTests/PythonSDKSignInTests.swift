import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The official Python MCP SDK's authorization-code client (`OAuthClientProvider`) against the real
/// `mcp-server serve`, with a person signing in in headless Chromium (`Tests/Interop/python_sdk_auth_code.py`): it
/// discovers everything from the MCP URL, registers (DCR) or names itself by a Client ID Metadata Document, gets
/// tokens, calls tools and refreshes.
@Suite("The Python MCP SDK signs a person in", .needsBrowser, .childProcesses, .timeLimit(.minutes(3)))
struct PythonSDKSignInTests {
    static let password = "correct horse battery staple"

    /// A temporary directory with a database holding the person `alice`.
    static func prepare() async throws -> (directory: URL, database: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sdk-sign-in-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("server.sqlite").path
        try await LiveSignIn.addPerson(
            database: database,
            username: "alice",
            password: Self.password,
            displayName: "Alice Example",
            email: "alice@example.com",
            in: directory
        )
        return (directory, database)
    }

    @Test(arguments: ["auto", "legacy"])
    func theSDKRegistersSignsInCallsToolsAndRefreshes(_ mode: String) async throws {
        let (directory, database) = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ChildProcess.mcpServer(["--database", database])
        let seen = try await Self.runClient(url: server.mcpURL, mode: mode)
        #expect(seen["protocol_version"] == (mode == "legacy" ? "2025-11-25" : "2026-07-28"))
        #expect(seen["consent_text"]?.stringValue?.contains("Python SDK sign-in test") == true)
        let clientID = try #require(seen["client_id"]?.stringValue)
        try await server.stderr.line { $0.contains(#""event":"client.registered""#) && $0.contains(clientID) }
        try await server.stderr.line {
            $0.contains(#""event":"token.issued""#) && $0.contains("grant_type=refresh_token")
        }
    }

    /// The SDK names itself by the https URL of a metadata document the test serves (its own CA, on 127.0.0.1);
    /// the server fetches it, shows its name, accepts its redirect URI, and nobody registers.
    @Test func theSDKUsesAClientIDMetadataDocumentInsteadOfRegistering() async throws {
        let (directory, database) = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let document: JSONValue = [
            "client_name": "Metadata Document Client",
            "client_uri": "https://127.0.0.1/",
            // Any port: the SDK's callback listens where the kernel lets it.
            "redirect_uris": ["http://127.0.0.1/callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        ]
        let site = try await ChildProcess.interopHelper(
            "cimd_document_server.py",
            [certificates.path("server.pem"), certificates.path("server.key"), document.serializedString()]
        )
        let documentURL = "https://127.0.0.1:\(site.port)/client-metadata.json"
        let server = try await ChildProcess.mcpServer(
            ["--database", database, "--cimd-allow-private", "--cimd-ca-file", certificates.path("ca.pem")]
        )
        let seen = try await Self.runClient(url: server.mcpURL, mode: "auto", metadataDocument: documentURL)
        #expect(seen["client_id"]?.stringValue == documentURL)
        #expect(seen["consent_text"]?.stringValue?.contains("Metadata Document Client") == true)
        try await site.stderr.line { $0 == "GET /client-metadata.json 200" }
        // Logged after anything a registration would have logged: the log is read that far.
        try await server.stderr.line {
            $0.contains(#""event":"token.issued""#) && $0.contains("grant_type=refresh_token")
        }
        #expect(!server.stderr.lines.contains { $0.contains(#""event":"client.registered""#) })
    }

    /// Runs the SDK client and returns what it saw, failing on any problem it reported.
    static func runClient(url: URL, mode: String, metadataDocument: String? = nil) async throws -> JSONValue {
        var arguments = [Interop.script("python_sdk_auth_code.py").path, url.absoluteString, "alice", Self.password]
        arguments += ["--mode", mode]
        if let metadataDocument { arguments += ["--client-metadata-url", metadataDocument] }
        let run = try await ChildProcess.run(try #require(Interop.python), arguments)
        let errors = run.errors.suffix(40).joined(separator: "\n")
        let last = try #require(run.output.last, "no report; stderr:\n\(errors)")
        let report = try JSONValue(parsing: last)
        #expect(report["problems"] == [], "\(report["problems"] ?? .null)\n\(report["seen"] ?? .null)")
        #expect(run.status == 0, "\(errors)")
        return try #require(report["seen"])
    }
}
