import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// mcp-bridge signs in to authorization servers we did not write: the Python MCP SDK's own (DCR, a browser that
/// is approved at once, refresh with rotation) and Authlib's device authorization grant (RFC 8628); and once to
/// mcp-server in a real headless Chromium.
@Suite(
    "mcp-bridge signs in to other authorization servers (live)",
    .needsPython,
    .childProcesses,
    .timeLimit(.minutes(3))
)
struct OtherServersSignInLiveTests {
    @Test("the Python MCP SDK's authorization server: registration, browser sign-in, then a refresh")
    func pythonSDKAuthorizationServer() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let sdk = try await ChildProcess.interopHelper("python_sdk_oauth_server.py")
        // auto: the SDK's server offers no client_credentials, so a person signs in.
        let bridge = try rig.bridge(sdk.mcpURL, auth: "auto")
        _ = try await bridge.initialize()
        #expect(toolText(try await bridge.call(Lines.echo("e", "hello sdk"), id: "e")) == "hello sdk")
        let callback = try await rig.browser.next("callback")
        #expect(callback["status"] == 200, "\(callback)")
        #expect(callback["pages"] == [], "the SDK's server approves at once: \(callback)")
        let registration = try await sdk.stderr.line { $0.hasPrefix("register client_id=") }
        #expect(registration.contains("redirect_uris=http://127.0.0.1:"), "\(registration)")
        // Logged before the token is answered: a short wait, so a failed exchange fails the test quickly.
        try await sdk.stderr.line(timeout: .seconds(10)) {
            $0.hasPrefix("token grant_type=authorization_code") && $0.hasSuffix("outcome=issued")
        }
        bridge.closeInput()
        _ = await bridge.waitForExit()

        try rig.expireStoredToken()
        let again = try rig.bridge(sdk.mcpURL, auth: "auto")
        _ = try await again.initialize()
        #expect(toolText(try await again.call(Lines.echo("e", "refreshed"), id: "e")) == "refreshed")
        try await sdk.stderr.line(timeout: .seconds(10)) {
            $0.hasPrefix("token grant_type=refresh_token") && $0.hasSuffix("outcome=issued")
        }
        let events = sdk.stderr.lines
        #expect(events.filter { $0.hasPrefix("register ") }.count == 1)
        #expect(events.filter { $0.hasPrefix("token grant_type=refresh_token") }.count == 1, "\(events)")
        #expect(!events.contains { $0.contains("outcome=refused") }, "\(events)")
        #expect(rig.browser.openings == 1)
    }

    @Test("device code (RFC 8628) against Authlib: the code from stderr, approved elsewhere, and the call works")
    func deviceCode() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let device = try await ChildProcess.interopHelper("device_code_server.py")
        let bridge = try rig.bridge(device.mcpURL, auth: "device")
        bridge.send(Lines.initialize())
        bridge.send(Lines.initialized)
        bridge.send(Lines.call("w", "whoami", "{}"))
        let line = try await bridge.stderr.line { $0.contains(" and enter the code ") }
        let match = try #require(line.firstMatch(of: /open (\S+) and enter the code ([A-Z0-9-]+)/), "\(line)")
        let verification = try #require(URL(string: String(match.1)))
        let code = String(match.2)
        try await device.stderr.line { $0.hasPrefix("device_authorization ") && $0.contains("user_code=\(code)") }

        // The person, on another device: the verification page, the code, Approve.
        let page = try await TestHTTP.request(verification)
        #expect(page.status == 200)
        let approval = try await TestHTTP.request(
            verification,
            method: .post,
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: SignInHTTP.form([("user_code", code), ("action", "approve")])
        )
        #expect(approval.status == 200, "\(approval.body)")

        let answer = try await bridge.answer("w")
        #expect(answer["result"] != nil, "\(answer)")
        #expect(toolText(answer)?.contains("device-user") == true, "\(answer)")
        try await device.stderr.line {
            $0.hasPrefix("token grant_type=urn:ietf:params:oauth:grant-type:device_code")
                && $0.contains("outcome=issued") && $0.contains("resource=\(device.mcpURL.absoluteString)")
        }
        #expect(!device.stderr.lines.contains { $0.contains("outcome=slow_down") }, "the bridge polled too fast")
        #expect(rig.browser.openings == 0)
    }

    @Test("a real browser: headless Chromium signs in through the bridge", .needsBrowser)
    func chromium() async throws {
        let rig = try await SignInRig(browser: .chromium)
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let bridge = try rig.bridge(server.mcpURL)
        _ = try await bridge.initialize()
        let answer = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        #expect(answer["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(answer)")
        let callback = try await rig.browser.next("callback", timeout: .seconds(90))
        #expect(callback["pages"] == ["sign-in", "consent"], "\(callback)")
        #expect(callback["text"]?.stringValue?.contains("Signed in") == true, "\(callback)")
        #expect(FileManager.default.fileExists(atPath: rig.screenshot.path))
        #expect(rig.browser.openings == 1)
    }
}
