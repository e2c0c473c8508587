import Foundation
import MCPWire
import NIOConcurrencyHelpers
import RemoteMCPTestSupport
import Testing

/// A server that moves to another authorization server: credentials are kept per issuer, so the bridge registers
/// with the new one instead of sending it the old one's client.
@Suite(.childProcesses, .timeLimit(.minutes(2))) struct IssuerChangeTests {
    /// A resource server and two authorization servers (issuers `BASE/a` and `BASE/b`) in one scripted server.
    /// `/mcp` takes only the current issuer's token; the others get the 401 challenge that starts discovery.
    static func script(
        current: NIOLockedValueBox<String>
    )
        -> @Sendable (ScriptedAuthorizationServer.Request) ->
        ScriptedAuthorizationServer.Response
    {
        { request in
            let base = "http://\(request.headers["host"] ?? "")"
            let issuer = current.withLockedValue { $0 }
            let path = String(request.path.split(separator: "?", maxSplits: 1).first ?? "")
            let parts = path.split(separator: "/").map(String.init)
            switch (request.method, path) {
            case ("GET", "/.well-known/oauth-protected-resource/mcp"):
                return .json(#"{"resource":"\#(base)/mcp","authorization_servers":["\#(base)/\#(issuer)"]}"#)
            case ("GET", _)
            where parts.count == 3 && parts[0] == ".well-known" && parts[1] == "oauth-authorization-server":
                let name = parts[2]
                return .json(
                    #"{"issuer":"\#(base)/\#(name)","token_endpoint":"\#(base)/\#(name)/token","#
                        + #""registration_endpoint":"\#(base)/\#(name)/register","#
                        + #""grant_types_supported":["client_credentials"],"response_types_supported":["code"],"#
                        + #""token_endpoint_auth_methods_supported":["client_secret_basic"]}"#
                )
            case ("POST", _) where parts.count == 2 && parts[1] == "register":
                return .json(
                    #"{"client_id":"client-\#(parts[0])","client_secret":"secret-\#(parts[0])","#
                        + #""grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}"#,
                    status: 201
                )
            case ("POST", _) where parts.count == 2 && parts[1] == "token":
                return .json(#"{"access_token":"token-\#(parts[0])","token_type":"Bearer","expires_in":3600}"#)
            case ("POST", "/mcp"):
                guard request.headers["authorization"] == "Bearer token-\(issuer)" else {
                    var challenge = ScriptedAuthorizationServer.Response(status: 401, body: "")
                    challenge.headers["WWW-Authenticate"] =
                        #"Bearer resource_metadata="\#(base)/.well-known/oauth-protected-resource/mcp""#
                    return challenge
                }
                guard let message = try? JSONValue(parsing: request.body), let id = message["id"] else {
                    return ScriptedAuthorizationServer.Response(status: 202, body: "")
                }
                let result: JSONValue =
                    message["method"] == "initialize"
                    ? [
                        "protocolVersion": "2025-06-18", "capabilities": ["tools": [:]],
                        "serverInfo": ["name": "scripted", "version": "1"],
                    ]
                    : ["content": [["type": "text", "text": .string("from \(issuer)")]]]
                return .json(JSONValue.object(["jsonrpc": "2.0", "id": id, "result": result]).serializedString())
            case ("GET", "/mcp"), ("DELETE", "/mcp"):
                // No listen stream and no sessions: a stateless server.
                return ScriptedAuthorizationServer.Response(status: 405, body: "")
            default:
                return .error(404, "not_found")
            }
        }
    }

    @Test("the server's authorization server changes mid-session: one registration with the new one, the call works")
    func newIssuerMeansANewRegistration() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let current = NIOLockedValueBox("a")
        let server = try await ScriptedAuthorizationServer.start(Self.script(current: current))
        let bridge = try harness.bridge(["\(server.base)/mcp", "--auth", "client-credentials"])
        _ = try await bridge.initialize()
        #expect(toolText(try await bridge.call(Lines.echo("one", "1"), id: "one")) == "from a")

        current.withLockedValue { $0 = "b" }
        #expect(toolText(try await bridge.call(Lines.echo("two", "2"), id: "two")) == "from b")
        let paths = server.requests.items.filter { $0.method == "POST" }.map(\.path)
        #expect(paths.filter { $0 == "/a/register" }.count == 1, "\(paths)")
        #expect(paths.filter { $0 == "/b/register" }.count == 1, "\(paths)")
        // The new issuer never saw the old one's client.
        let basic = "Basic " + Data("client-a:secret-a".utf8).base64EncodedString()
        #expect(!server.requests.items.contains { $0.path.hasPrefix("/b/") && $0.headers["authorization"] == basic })
        // One credential set per issuer: the old one stays for the old issuer.
        #expect(harness.credentialFiles().count == 2)
        bridge.closeInput()
        _ = await bridge.waitForExit()
        await server.stop()
    }
}
