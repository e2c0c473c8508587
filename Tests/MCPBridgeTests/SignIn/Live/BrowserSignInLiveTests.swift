import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// A person signs in through the real mcp-bridge to the real `mcp-server serve`, in the test browser the bridge
/// opens as `$BROWSER` (`Tests/Interop/signin_browser.py`: the sign-in form, the consent page, the loopback
/// callback): discovery, registration, PKCE, the callback, the token, the call; then `status`, and `logout`, whose
/// revocation the server then enforces.
@Suite("mcp-bridge signs a person in (live)", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct BrowserSignInLiveTests {
    @Test("browser sign-in end to end: the call works, status shows who and never a secret, logout revokes")
    func signInStatusAndLogout() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let bridge = try rig.bridge(server.mcpURL)
        _ = try await bridge.initialize()
        let whoami = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        let person = try #require(whoami["result"]?["structuredContent"]?["person"], "\(whoami)")
        #expect(person["username"] == "alice")

        // One browser, sent where the log said; it went through the sign-in form and the consent page, and the
        // bridge's callback page said it worked.
        #expect(rig.browser.openings == 1)
        let callback = try await rig.browser.next("callback")
        #expect(callback["status"] == 200, "\(callback)")
        #expect(callback["pages"] == ["sign-in", "consent"], "\(callback)")
        #expect(callback["text"]?.stringValue?.contains("Signed in") == true, "\(callback)")
        // The log names the bridge's own sign-in link, never the authorization URL (its state stays private); the
        // link led the browser on to the authorization server.
        let announced = try await bridge.signInURL()
        let opened = try #require(rig.browser.openedURLs.first)
        #expect(announced == opened)
        #expect(opened.host == "127.0.0.1" && opened.path.hasPrefix("/sign-in/"), "\(opened)")
        #expect(!bridge.stderr.lines.contains { $0.contains("state=") }, "the log holds an authorization URL")
        let authorization = try #require(rig.browser.authorizationURLs.first)
        #expect(authorization.parameter("code_challenge_method") == "S256")
        #expect(authorization.parameter("resource") == server.mcpURL.absoluteString)
        #expect(authorization.parameter("redirect_uri") == "http://127.0.0.1:\(opened.port ?? 0)/callback")
        #expect(server.auditCount("client.registered") == 1)
        #expect(server.tokensIssued("authorization_code") == 1)
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)

        // status: who, which scopes, until when; no secret.
        let stored = try rig.storedCredentials()
        let secrets = ["access_token", "refresh_token", "client_secret", "registration_access_token"]
            .compactMap { stored[$0]?.stringValue }
        #expect(secrets.count >= 2, "\(stored.keys.sorted())")
        let status = try await rig.command(["status"])
        #expect(status.status == 0, "\(status.errors)")
        let statusText = (status.output + status.errors).joined(separator: "\n")
        let personID = person["id"]?.stringValue ?? "?"
        #expect(
            statusText.contains("alice") || statusText.contains(personID),
            "status does not say who is signed in:\n\(statusText)"
        )
        #expect(statusText.contains("mcp:tools"), "\(statusText)")
        #expect(statusText.contains("valid for"), "\(statusText)")
        for secret in secrets { #expect(!statusText.contains(secret), "status shows a secret:\n\(statusText)") }
        for line in bridge.stderr.lines { for secret in secrets { #expect(!line.contains(secret), "\(line)") } }

        // logout: revoked at the server (the access token gets 401, the refresh token invalid_grant), files gone.
        let accessToken = try #require(stored["access_token"]?.stringValue)
        let refreshToken = try #require(stored["refresh_token"]?.stringValue)
        #expect(try await SignInHTTP.whoami(server.mcpURL, accessToken: accessToken).status == 200)
        let logout = try await rig.command(["logout", server.mcpURL.absoluteString, "--credential-store", "file"])
        #expect(logout.status == 0, "\((logout.output + logout.errors).joined(separator: "\n"))")
        #expect(rig.harness.credentialFiles().isEmpty, "\(rig.harness.credentialFiles())")
        let afterLogout = try await SignInHTTP.whoami(server.mcpURL, accessToken: accessToken)
        #expect(afterLogout.status == 401, "the revoked access token still works: \(afterLogout.body)")
        let refresh = try await SignInHTTP.token(
            [
                ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                ("resource", server.mcpURL.absoluteString),
            ],
            as: stored
        )
        // Refused: invalid_grant, or invalid_client since logout also deletes the registration (RFC 7592).
        #expect([400, 401].contains(refresh.status), "\(refresh.body)")
        #expect(refresh.body.contains("invalid_grant") || refresh.body.contains("invalid_client"), "\(refresh.body)")
        // Revoked (RFC 7009), not merely orphaned by the client's deletion.
        #expect(server.stderr.lines.contains { $0.contains(#""event":"token.revoked""#) }, "no revocation logged")
    }

    @Test("`login` signs in from a terminal (a $BROWSER of two words) and says as whom; the relay needs no browser")
    func loginCommand() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await rig.server()
        // $BROWSER as two words, the interpreter and the script: the bridge splits it as a shell would.
        let python = try #require(Interop.python)
        let login = try await rig.command(
            ["login", server.mcpURL.absoluteString, "--auth", "browser", "--credential-store", "file"],
            environment: ["BROWSER": "\(python.path) \(Interop.script(SignInRig.Browser.http.rawValue).path)"]
        )
        let text = (login.output + login.errors).joined(separator: "\n")
        #expect(login.status == 0, "\(text)")
        #expect(login.output.contains { $0.hasPrefix("Signed in as ") }, "\(text)")
        #expect(rig.browser.openings == 1)

        let bridge = try rig.bridge(server.mcpURL)
        _ = try await bridge.initialize()
        #expect(toolText(try await bridge.call(Lines.echo("e", "after login"), id: "e")) == "after login")
        #expect(rig.browser.openings == 1)
        #expect(server.tokensIssued("authorization_code") == 1)
    }

    @Test("the callback port held by another program: an error naming the port and --callback-port, not a hang")
    func callbackPortHeld() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let taken = try ListeningLoopbackPort()
        let bridge = try rig.bridge(server.mcpURL, ["--callback-port", String(taken.port), "--sign-in-wait", "10"])
        bridge.send(Lines.initialize())
        bridge.send(Lines.call("w", "whoami", "{}"))
        let answer = try await bridge.answer("w")
        let message = try #require(answer["error"]?["message"]?.stringValue, "not an error: \(answer)")
        let logged = try await bridge.stderr.line(timeout: .seconds(10)) {
            $0.contains(String(taken.port)) && $0.contains("--callback-port")
        }
        #expect(!logged.isEmpty)
        #expect(
            message.contains(String(taken.port)) || message.contains("--callback-port"),
            "the host's error does not say what is wrong: \(message)"
        )
        #expect(rig.browser.openings == 0, "a browser was opened although nothing could receive its answer")
    }

    @Test("while sign-in is pending: initialize is answered, a call gets 'sign in at' after --sign-in-wait")
    func pendingSignInHandshake() async throws {
        let rig = try await SignInRig(holding: true)
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let bridge = try rig.bridge(server.mcpURL, ["--sign-in-wait", "2"])
        // The sign-in is held until the test releases it, so any answer to these is the bridge not waiting on it.
        let initialize = try await bridge.call(Lines.initialize(), id: "init")
        #expect(initialize["result"]?["protocolVersion"] != nil, "\(initialize)")
        bridge.send(Lines.initialized)
        try await rig.browser.next("held")
        // The host's log says where to sign in: the bridge's one-time loopback link.
        let warning = try JSONValue(
            parsing: try await bridge.stdout.line { $0.contains(MCPMethod.messageNotification) }
        )
        let said = try #require(warning["params"]?["data"]?.stringValue, "\(warning)")
        #expect(said.hasPrefix("Not signed in yet: sign in at http://127.0.0.1:"), "\(said)")
        #expect(warning["params"]?["level"] == "warning")

        let asked = ContinuousClock.now
        let early = try await bridge.call(Lines.call("early", "whoami", "{}"), id: "early")
        let waited = ContinuousClock.now - asked
        let message = try #require(early["error"]?["message"]?.stringValue, "not an error: \(early)")
        #expect(message.contains("sign in at"), "\(message)")
        #expect(waited >= .seconds(2), "the call did not wait for --sign-in-wait: \(waited)")

        // The person finishes: the same bridge then answers. The code exchange and the server's handshake after the
        // callback can outlast --sign-in-wait on a loaded machine, so the call waits for the bridge to say it is done.
        rig.hold?.release()
        try await rig.browser.next("callback")
        _ = try await bridge.stderr.line { $0.contains("Signed in: the server's handshake is done") }
        let late = try await bridge.call(Lines.call("late", "whoami", "{}"), id: "late")
        #expect(late["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(late)")
        #expect(rig.browser.openings == 1)
        // The host heard that its lists may have changed, so it asks for the server's real ones.
        for method in [
            MCPMethod.toolsListChangedNotification, MCPMethod.promptsListChangedNotification,
            MCPMethod.resourcesListChangedNotification,
        ] {
            try await bridge.stdout.line { $0.contains(#""method":"\#(method)""#) }
        }
    }
}

extension URLComponents {
    /// The value of query parameter `name`.
    func parameter(_ name: String) -> String? {
        self.queryItems?.first { $0.name == name }?.value
    }
}
