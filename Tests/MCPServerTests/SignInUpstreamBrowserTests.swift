import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// People sign in at an upstream OpenID Connect provider we did not write (`oidc-provider-mock`, started by
/// `Tests/Interop/oidc_provider.py` on 127.0.0.1), in headless Chromium: `/authorize` sends the browser to the
/// provider's form, the provider sends it back to `/oidc/callback`, and the consent page and the code follow as for
/// a password. The allow-lists refuse a person with a page, never with a redirect to the client.
@Suite("Signing in at an upstream OpenID provider", .needsBrowser, .childProcesses, .timeLimit(.minutes(3)))
struct SignInUpstreamBrowserTests {
    /// The person at the provider: a verified email at example.com and a name.
    static let person: JSONValue = [
        "sub": "alice-upstream", "email": "alice@example.com", "email_verified": true, "name": "Alice Upstream",
    ]

    /// The provider, and `mcp-server serve` signing people in there with `flags` added; the server's database and
    /// the client secret live in `directory`.
    static func start(
        in directory: URL,
        flags: [String] = []
    ) async throws -> (provider: ChildProcess, server: ChildProcess) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let provider = try await ChildProcess.interopHelper(
            "oidc_provider.py",
            ["--user-claims", Self.person.serializedString(), "--require-nonce"]
        )
        let secret = directory.appendingPathComponent("oidc-client-secret")
        try Data("upstream secret\n".utf8).write(to: secret)
        let server = try await ChildProcess.mcpServer(
            [
                "--database", directory.appendingPathComponent("server.sqlite").path,
                "--oidc-issuer", "http://127.0.0.1:\(provider.port)", "--oidc-client-id", "remote-mcp",
                "--oidc-client-secret-file", secret.path, "--oidc-name", "Example ID",
            ] + flags
        )
        return (provider, server)
    }

    @Test func aPersonSignsInAtTheProviderAndToolsSeeThem() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (provider, server) = try await Self.start(in: directory)
        let live = try await LiveSignIn.discover(server)
        let closed = try ClosedLoopbackPort()
        let redirectURI = "http://127.0.0.1:\(closed.port)/callback"
        let clientID = try await live.register(name: "Example MCP Client", redirectURIs: ["http://127.0.0.1/callback"])
        let pkce = PKCEPair()

        var browser = BrowserScript()
        let atProvider = browser.open(
            try live.authorizeURL(clientID: clientID, redirectURI: redirectURI, state: "up", pkce: pkce)
        )
        browser.fill("sub", "alice-upstream")
        browser.click("Authorize")
        let consentText = browser.text()
        browser.click(name: "action", value: "allow")
        let allowed = browser.waitForURL(redirectURI)
        let run = try await browser.run()

        #expect(try run.url(atProvider).hasPrefix("http://127.0.0.1:\(provider.port)/oauth2/authorize"))
        let consent = try run.text(consentText)
        #expect(consent.contains("Example MCP Client wants to use your account"), "\(consent)")
        #expect(consent.contains("Signed in as Alice Upstream"), "\(consent)")
        let callback = try run.matched(allowed)
        #expect(callback.parameter("state") == "up")
        #expect(callback.parameter("iss") == live.issuer)
        let code = try #require(callback.parameter("code"))

        let tokens = try await live.exchange(code: code, clientID: clientID, redirectURI: redirectURI, pkce: pkce)
        let identity = try await live.whoami(tokens.accessToken)
        #expect(identity["person"]?["email"] == "alice@example.com")
        #expect(identity["person"]?["displayName"] == "Alice Upstream")
        #expect(identity["person"]?["username"] == nil)
        #expect(identity["clientId"]?.stringValue == clientID)
        // The provider's tokens stay with this server: the client gets this server's own JWT.
        #expect(tokens.accessToken.split(separator: ".").count == 3)
        try await provider.stderr.line { $0.contains("POST /oauth2/token") && $0.contains(" 200") }
    }

    /// `--oidc-allowed-domain example.org` refuses alice@example.com after the provider signed her in: a page
    /// says so, and the client's redirect URI never sees a code or a redirect.
    @Test func theAllowListRefusesAPersonWithAPage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, server) = try await Self.start(in: directory, flags: ["--oidc-allowed-domain", "example.org"])
        let live = try await LiveSignIn.discover(server)
        let closed = try ClosedLoopbackPort()
        let redirectURI = "http://127.0.0.1:\(closed.port)/callback"
        let clientID = try await live.register(name: "Example MCP Client", redirectURIs: ["http://127.0.0.1/callback"])

        var browser = BrowserScript()
        browser.open(try live.authorizeURL(clientID: clientID, redirectURI: redirectURI, state: "no", pkce: PKCEPair()))
        browser.fill("sub", "alice-upstream")
        let refused = browser.click("Authorize")
        let page = browser.text()
        let run = try await browser.run()

        #expect(try run.url(refused).hasPrefix("http://127.0.0.1:\(server.port)/oidc/callback"))
        let text = try run.text(page)
        #expect(text.contains("Your account is not allowed to sign in to this server."), "\(text)")
        #expect(!text.contains("wants to use your account"))
        try await server.stderr.line { $0.contains("email not in the allowed emails or domains") }
    }
}
