import Crypto
import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// `--client-cert`/`--client-key` against a real `mcp-server --tls-cert --tls-key --client-ca`: the bridge
/// registers for certificate-bound tokens, and what it stores is useless without the key.
@Suite("mcp-bridge with a client certificate (mutual TLS)", .childProcesses, .timeLimit(.minutes(2)))
struct BridgeClientCertificateTests {
    @Test("tokens are bound to the bridge's certificate; the stored credentials without it get nowhere")
    func boundTokens() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let server = try await harness.server([
            "--tls-cert", certificates.path("server.pem"), "--tls-key", certificates.path("server.key"),
            "--client-ca", certificates.path("ca.pem"),
        ])
        let url = server.mcpURL.absoluteString
        #expect(url.hasPrefix("https://"))

        let bridge = try harness.bridge([
            url, "--ca-file", certificates.path("ca.pem"), "--client-cert", certificates.path("client.pem"),
            "--client-key", certificates.path("client.key"),
        ])
        #expect(try await bridge.initialize()["result"] != nil)
        #expect(toolText(try await bridge.call(Lines.echo("e", "over mTLS"), id: "e")) == "over mTLS")
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)

        let stored = try harness.storedCredentials()
        let token = try #require(stored["accessToken"]?.stringValue ?? stored["access_token"]?.stringValue)
        let claims = try JSONValue(parsing: try #require(Base64.decode(token.split(separator: ".")[1], .url)))
        #expect(
            claims["cnf"]?["x5t#S256"]
                == .string(Base64.encode(Array(SHA256.hash(data: try certificates.der("client"))), .url))
        )

        // The same credential files, without the certificate: the token is refused and no new one is issued.
        let thief = try harness.bridge([url, "--ca-file", certificates.path("ca.pem")])
        let refused = try await thief.call(Lines.initialize(), id: "init")
        #expect(refused["error"] != nil, "\(refused)")
        thief.closeInput()
        #expect(await thief.waitForExit() == 0)
    }
}
