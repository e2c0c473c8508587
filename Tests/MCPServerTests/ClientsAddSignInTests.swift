import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// `mcp-server clients add` pre-registers clients that sign people in: a Claude connector takes a client id and
/// secret, a native host a public client, a service a private_key_jwt client.
@Suite("Operator CLI: sign-in clients", .childProcesses, .timeLimit(.minutes(2)))
struct ClientsAddSignInTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-signin-\(UUID().uuidString)")

    func add(_ arguments: [String]) async throws -> ProcessRun {
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        return try await ChildProcess.run(
            BuiltProduct.url(named: "mcp-server"),
            ["clients", "add"] + arguments + ["--database", self.directory.appendingPathComponent("s.sqlite").path]
        )
    }

    @Test func aConnectorWithASecretAPublicNativeHostAndAKeyHolder() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let connector = try await self.add([
            "--name", "Claude connector", "--redirect-uri", "https://claude.ai/api/mcp/auth_callback",
        ])
        #expect(connector.status == 0, "\(connector.errors)")
        let information = try JSONValue(parsing: try #require(connector.output.last))
        #expect(information["client_secret"]?.stringValue != nil)
        #expect(information["grant_types"] == ["authorization_code", "refresh_token"])
        #expect(information["response_types"] == ["code"])
        #expect(information["redirect_uris"] == ["https://claude.ai/api/mcp/auth_callback"])
        #expect(information["token_endpoint_auth_method"] == "client_secret_basic")

        let native = try await self.add([
            "--name", "Cursor", "--public", "--application-type", "native",
            "--redirect-uri", "cursor://anysphere.cursor-mcp/oauth/callback",
            "--redirect-uri", "http://127.0.0.1/callback",
        ])
        #expect(native.status == 0, "\(native.errors)")
        let nativeInformation = try JSONValue(parsing: try #require(native.output.last))
        #expect(nativeInformation["client_secret"] == nil)
        #expect(nativeInformation["token_endpoint_auth_method"] == "none")
        #expect(nativeInformation["application_type"] == "native")

        let jwks = self.directory.appendingPathComponent("jwks.json")
        try Data(
            #"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#.utf8
        ).write(to: jwks)
        let service = try await self.add([
            "--name", "nightly job", "--auth-method", "private_key_jwt", "--jwks-file", jwks.path,
            "--grant-type", "client_credentials",
        ])
        #expect(service.status == 0, "\(service.errors)")
        let serviceInformation = try JSONValue(parsing: try #require(service.output.last))
        #expect(serviceInformation["client_secret"] == nil)
        #expect(serviceInformation["jwks"]?["keys"]?.arrayValue?.count == 1)
    }

    @Test(arguments: [
        (["--redirect-uri", "http://evil.example/cb"], "invalid_redirect_uri"),
        (["--public"], "invalid_client_metadata"),
        (["--public", "--auth-method", "client_secret_post"], "--public means --auth-method none"),
        (["--redirect-uri", "cursor://anysphere.cursor-mcp/oauth/callback"], "native"),
        (["--auth-method", "private_key_jwt"], "private_key_jwt needs"),
    ])
    func refusalsAreOneLine(_ arguments: [String], _ message: String) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let run = try await self.add(["--name", "x"] + arguments)
        #expect(run.status != 0)
        #expect(run.output.isEmpty)
        #expect(run.errors.contains { $0.contains(message) }, "\(run.errors)")
    }
}
