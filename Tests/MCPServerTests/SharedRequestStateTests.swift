import ArgumentParser
import Foundation
import Logging
import MCPServerCore
import MCPWire
import Testing

@testable import MCPServer

/// Two `serve` instances on one database (behind a load balancer): a 2026-07-28 retry that reaches the other
/// instance still opens its `requestState`, because both derive the key from the signing key they share.
@Suite("requestState across instances sharing a store")
struct SharedRequestStateTests {
    static let resource = "https://mcp.example.com/mcp"

    static func call(_ dispatcher: MCPDispatcher, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var params: [String: JSONValue] = [
            "name": "confirm", "arguments": ["question": "Ship it?"],
            "_meta": [
                MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: ["elicitation": [:]],
            ],
        ]
        params.merge(extra) { $1 }
        let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": .object(params)]
        let headers = ["mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "confirm"]
        let reply = await dispatcher.handle(
            body: body.serialized(),
            head: MCPRequestHead(header: { headers[$0.lowercased()] }, resource: Self.resource),
            logger: Logger(label: "test"),
            authorization: MCPAuthorization(clientID: "alice", scopes: [OAuthScope.tools])
        )
        guard case .message(_, let json) = reply else { throw Unexpected() }
        return json
    }

    struct Unexpected: Error {}

    @Test func aRetryReachingTheOtherInstanceIsAnswered() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let command = try ServeCommand.parse(["--database", directory.appendingPathComponent("s.sqlite").path])
        let settings = try command.resolve(environment: [:])
        var assemblies: [ServerAssembly] = []
        for _ in 0..<2 {
            assemblies.append(
                try await ServerAssembly.assemble(
                    settings: settings,
                    auth: command.auth,
                    host: .socket(settings.server),
                    logger: Logger(label: "test")
                )
            )
        }
        let first = try await Self.call(assemblies[0].dependencies.dispatcher)
        let state = try #require(first["result"]?["requestState"])
        let retry = try await Self.call(
            assemblies[1].dependencies.dispatcher,
            extra: [
                "inputResponses": ["confirmation": ["action": "accept", "content": ["confirmed": true]]],
                "requestState": state,
            ]
        )
        #expect(retry["result"]?["structuredContent"] == ["answer": "yes"])
        for assembly in assemblies { try await assembly.store.shutdown() }
    }
}
