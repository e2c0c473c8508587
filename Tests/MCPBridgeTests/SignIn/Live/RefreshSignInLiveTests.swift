import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// After the first sign-in: refresh tokens (one refresh for many copies, rotation), a refresh token the server
/// has seen used before (a new sign-in), and a scope the server wants and the token lacks (step-up).
///
/// A token is made to expire by rewriting its expiry in the credential file (``SignInRig/expireStoredToken()``)
/// rather than by waiting for a short-lived one: the bridge renews ahead of the expiry it stored, and the server's
/// shortest lifetime (`--token-ttl 10`) would cost every run seconds of waiting on a clock.
@Suite("mcp-bridge keeps a person signed in (live)", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct RefreshSignInLiveTests {
    /// Signs alice in with one bridge, which then quits; returns the server.
    static func signIn(_ rig: SignInRig, serverArguments: [String] = []) async throws -> ChildProcess {
        let server = try await rig.server(serverArguments)
        let bridge = try rig.bridge(server.mcpURL)
        _ = try await bridge.initialize()
        let answer = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        try #require(answer["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(answer)")
        bridge.closeInput()
        _ = await bridge.waitForExit()
        return server
    }

    @Test("an expiring token and five copies: exactly one refresh_token request, rotation kept")
    func fiveCopiesOneRefresh() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await Self.signIn(rig)
        let before = try rig.storedCredentials()
        try rig.expireStoredToken()

        let bridges = try (0..<5).map { _ in try rig.bridge(server.mcpURL) }
        for bridge in bridges {
            bridge.send(Lines.initialize())
            bridge.send(Lines.initialized)
            bridge.send(Lines.echo("e", "refreshed"))
        }
        for bridge in bridges { #expect(toolText(try await bridge.answer("e")) == "refreshed") }
        try await server.awaitTokenIssued("refresh_token")
        #expect(server.tokensIssued("refresh_token") == 1, "\(server.tokensIssued("refresh_token")) refreshes")
        #expect(server.tokensIssued("authorization_code") == 1)
        #expect(!server.stderr.lines.contains { $0.contains(#""event":"refresh.reused""#) })
        #expect(rig.browser.openings == 1)
        let after = try rig.storedCredentials()
        #expect(after["refresh_token"] != nil && after["refresh_token"] != before["refresh_token"], "not rotated")
        #expect(after["access_token"] != before["access_token"])
    }

    @Test("the server saw the refresh token used already: invalid_grant, a new sign-in, and the call works")
    func reusedRefreshTokenSignsInAgain() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await Self.signIn(rig)
        let stored = try rig.storedCredentials()
        let refreshToken = try #require(stored["refresh_token"]?.stringValue)
        // Someone else uses it first: the bridge's copy is now a reused one.
        let stolen = try await SignInHTTP.token(
            [
                ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                ("resource", server.mcpURL.absoluteString),
            ],
            as: stored
        )
        #expect(stolen.status == 200, "\(stolen.body)")
        try rig.expireStoredToken()

        let bridge = try rig.bridge(server.mcpURL)
        _ = try await bridge.initialize()
        let answer = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        #expect(answer["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(answer)")
        try await server.stderr.line { $0.contains(#""event":"refresh.reused""#) }
        #expect(rig.browser.openings == 2, "\(rig.browser.events)")
        try await rig.browser.next("callback", after: 1)
        #expect(server.tokensIssued("authorization_code") == 2)
        #expect(try rig.storedCredentials()["refresh_token"] != stored["refresh_token"])
    }

    @Test("step-up: signed in for mcp:read, a call answered 403 insufficient_scope signs in once more for both")
    func stepUpAsksForTheUnion() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let bridge = try rig.bridge(server.mcpURL, ["--scope", OAuthScope.read])
        _ = try await bridge.initialize()
        let list = try await bridge.call(#"{"jsonrpc":"2.0","id":"list","method":"tools/list"}"#, id: "list")
        #expect(list["result"]?["tools"]?.arrayValue?.isEmpty == false, "\(list)")
        #expect(rig.browser.openings == 1)

        let answer = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        #expect(answer["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(answer)")
        let urls = rig.browser.authorizationURLs
        #expect(urls.count == 2, "\(rig.browser.events)")
        #expect(urls.first?.parameter("scope") == OAuthScope.read)
        // A form-encoded space (`+`) is a space too.
        let asked = (urls.last?.parameter("scope") ?? "").replacingOccurrences(of: "+", with: " ")
        let second = Set(asked.split(separator: " ").map(String.init))
        #expect(second == [OAuthScope.read, OAuthScope.tools], "step-up asked for \(second)")
        #expect(server.tokensIssued("authorization_code") == 2)
        let scope = try rig.storedCredentials()["scope"]?.stringValue ?? ""
        #expect(Set(scope.split(separator: " ").map(String.init)) == [OAuthScope.read, OAuthScope.tools])
    }
}
