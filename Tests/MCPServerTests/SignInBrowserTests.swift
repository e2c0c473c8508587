import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// A person signs in to the real `mcp-server serve` in headless Chromium (`Tests/Interop/browser.py`), as they would
/// from any MCP host: the sign-in form (a wrong password first), the consent page, Allow, the loopback redirect;
/// then the code is redeemed, used and refreshed. The same browser is then not asked to sign in again, but, as a
/// public client with a loopback redirect, is shown the consent page once more (RFC 8252 §8.6) and allows; and
/// denies when asked again.
///
/// The sign-in and consent pages are photographed on the way. With `REMOTE_MCP_SCREENSHOTS=docs/images` (a
/// directory, relative to the repository) the photos are copied there for the README; without it they stay in the
/// test's temporary directory, so a test run never changes the working tree.
@Suite("Signing in with a real browser", .needsBrowser, .childProcesses, .timeLimit(.minutes(3)))
struct SignInBrowserTests {
    static let password = "correct horse battery staple"

    @Test func aPersonSignsInAllowsIsRememberedAndDenies() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sign-in-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("server.sqlite").path
        try await LiveSignIn.addPerson(
            database: database,
            username: "alice",
            password: Self.password,
            displayName: "Alice Example",
            email: "alice@example.com",
            in: directory
        )
        let server = try await ChildProcess.mcpServer(["--database", database])
        let live = try await LiveSignIn.discover(server)
        // The host's loopback redirect, where nothing listens: the browser's attempt to go there is what counts.
        let closed = try ClosedLoopbackPort()
        let redirectURI = "http://127.0.0.1:\(closed.port)/callback"
        // Registered without a port: a native host listens wherever the system lets it (RFC 8252 §7.3).
        let clientID = try await live.register(name: "Example MCP Client", redirectURIs: ["http://127.0.0.1/callback"])
        let pkce = PKCEPair()
        let authorize = { (state: String, extra: [(String, String)]) in
            try live.authorizeURL(clientID: clientID, redirectURI: redirectURI, state: state, pkce: pkce, extra: extra)
        }
        let signInShot = directory.appendingPathComponent("sign-in.png")
        let consentShot = directory.appendingPathComponent("consent.png")

        var browser = BrowserScript()
        browser.open(try authorize("first", []))
        browser.expectText("Example MCP Client wants to connect to your account")
        browser.fill("username", "alice")
        browser.fill("password", "not the password")
        browser.screenshot(signInShot)
        browser.click("Sign in")
        browser.expectText("Wrong username or password.")
        browser.fill("password", Self.password)
        browser.click("Sign in")
        let consentText = browser.text()
        browser.screenshot(consentShot)
        browser.click(name: "action", value: "allow")
        let allowed = browser.waitForURL(redirectURI)
        // Still signed in, but a public client with a loopback redirect is never approved unseen (RFC 8252 §8.6):
        // the consent page again, one click.
        browser.open(try authorize("second", []))
        browser.expectText("Signed in as Alice Example")
        browser.click(name: "action", value: "allow")
        let remembered = browser.waitForURL(redirectURI)
        // prompt=consent asks again; this time the person says no.
        browser.open(try authorize("third", [("prompt", "consent")]))
        browser.expectText("wants to use your account")
        browser.click("Deny")
        let denied = browser.waitForURL(redirectURI)
        let run = try await browser.run()

        let consent = try run.text(consentText)
        for shown in ["Example MCP Client", "Signed in as Alice Example", "127.0.0.1", "mcp:read", "mcp:tools"] {
            #expect(consent.contains(shown), "the consent page does not show \(shown): \(consent)")
        }
        let first = try run.matched(allowed)
        #expect(first.parameter("state") == "first")
        #expect(first.parameter("iss") == live.issuer)
        let firstCode = try #require(first.parameter("code"))
        let second = try run.matched(remembered)
        #expect(second.parameter("state") == "second")
        #expect(second.parameter("iss") == live.issuer)
        let secondCode = try #require(second.parameter("code"))
        let refusal = try run.matched(denied)
        #expect(refusal.parameter("error") == "access_denied")
        #expect(refusal.parameter("state") == "third")
        #expect(refusal.parameter("iss") == live.issuer)
        #expect(refusal.parameter("code") == nil)

        let tokens = try await live.exchange(code: firstCode, clientID: clientID, redirectURI: redirectURI, pkce: pkce)
        #expect(tokens.scope == "mcp:read mcp:tools")
        let identity = try await live.whoami(tokens.accessToken)
        #expect(identity["person"]?["username"] == "alice")
        #expect(identity["person"]?["displayName"] == "Alice Example")
        #expect(identity["clientId"]?.stringValue == clientID)
        let refreshed = try await live.refresh(tokens.refreshToken, clientID: clientID)
        #expect(refreshed.refreshToken != tokens.refreshToken)
        #expect(try await live.whoami(refreshed.accessToken)["person"]?["username"] == "alice")
        let again = try await live.exchange(code: secondCode, clientID: clientID, redirectURI: redirectURI, pkce: pkce)
        #expect(try await live.whoami(again.accessToken)["person"]?["username"] == "alice")

        for shot in [signInShot, consentShot] { try Self.checkPhoneScreenshot(shot) }
        try Self.publish([signInShot, consentShot])
    }

    /// A PNG 780 px wide: the 390 px phone viewport at device scale 2, as the README shows it.
    static func checkPhoneScreenshot(_ file: URL) throws {
        let header = Array(try Data(contentsOf: file).prefix(24))
        #expect(header.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(file.lastPathComponent)")
        let width = header[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 780, "\(file.lastPathComponent) is \(width) px wide")
    }

    /// Copies `files` into `REMOTE_MCP_SCREENSHOTS` when it is set.
    static func publish(_ files: [URL]) throws {
        guard let target = ProcessInfo.processInfo.environment["REMOTE_MCP_SCREENSHOTS"], !target.isEmpty else {
            return
        }
        let directory =
            target.hasPrefix("/")
            ? URL(fileURLWithPath: target) : Interop.root.appendingPathComponent(target)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            let destination = directory.appendingPathComponent(file.lastPathComponent)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: file, to: destination)
        }
    }
}
