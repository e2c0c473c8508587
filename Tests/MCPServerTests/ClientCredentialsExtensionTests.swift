import ArgumentParser
import Foundation
import Logging
import MCPServerCore
import MCPWire
import Testing

@testable import MCPServer

/// The assembled server announces `io.modelcontextprotocol/oauth-client-credentials` in `server/discover` (and in
/// `initialize`, as the extension asks) exactly when its authorization server is on.
@Suite("Client-credentials extension in the capabilities")
struct ClientCredentialsExtensionTests {
    static func capabilities(auth: String, method: String) async throws -> JSONValue? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let command = try ServeCommand.parse([
            "--database", directory.appendingPathComponent("s.sqlite").path, "--auth", auth,
        ])
        let settings = try command.resolve(environment: [:])
        let assembly = try await ServerAssembly.assemble(
            settings: settings,
            auth: command.auth,
            host: .socket(settings.server),
            logger: Logger(label: "test")
        )
        let modern = method == MCPMethod.discover
        let params: JSONValue =
            modern
            ? ["_meta": [MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: [:]]]
            : ["protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]]
        let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
        let headers = modern ? ["mcp-protocol-version": "2026-07-28", "mcp-method": method] : [:]
        let reply = await assembly.dependencies.dispatcher.handle(
            body: body.serialized(),
            head: MCPRequestHead(header: { headers[$0.lowercased()] }, resource: "http://127.0.0.1:8080/mcp"),
            logger: Logger(label: "test"),
            authorization: auth == "none" ? nil : MCPAuthorization(clientID: "robot", scopes: Set(OAuthScope.all))
        )
        try await assembly.store.shutdown()
        guard case .message(_, let json) = reply else { return nil }
        #expect(json["result"] != nil, "\(json)")
        return json["result"]?["capabilities"]
    }

    @Test(arguments: [MCPMethod.discover, MCPMethod.initialize])
    func announcedWithAuthorization(_ method: String) async throws {
        let capabilities = try await Self.capabilities(auth: "jwt", method: method)
        #expect(capabilities?["extensions"] == [MCPExtension.oauthClientCredentials: [:]])
        #expect(capabilities?["tools"] != nil)
    }

    @Test func notAnnouncedWithoutAuthorization() async throws {
        let capabilities = try await Self.capabilities(auth: "none", method: MCPMethod.discover)
        #expect(capabilities?["tools"] != nil)
        #expect(capabilities?["extensions"] == nil)
    }
}
