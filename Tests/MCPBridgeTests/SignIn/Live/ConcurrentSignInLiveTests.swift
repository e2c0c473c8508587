import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Several copies of the bridge on one server and one credential directory, as Claude Desktop starts them: one
/// sign-in for all of them, and a copy killed in the middle of it leaves nothing the next copy cannot take over.
@Suite("mcp-bridge copies share one sign-in (live)", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct ConcurrentSignInLiveTests {
    static let copies = 5

    @Test("five copies started at once: one browser, one registration, one code exchanged, five answers")
    func fiveCopiesOneSignIn() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let bridges = try (0..<Self.copies).map { _ in try rig.bridge(server.mcpURL) }
        for bridge in bridges {
            bridge.send(Lines.initialize())
            bridge.send(Lines.initialized)
            bridge.send(Lines.call("w", "whoami", "{}"))
        }
        for bridge in bridges {
            let answer = try await bridge.answer("w")
            #expect(answer["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(answer)")
        }
        try await rig.browser.next("callback")
        #expect(rig.browser.openings == 1, "\(rig.browser.events)")
        #expect(server.auditCount("client.registered") == 1)
        #expect(server.tokensIssued("authorization_code") == 1)
        #expect(rig.harness.credentialFiles().count == 1)
    }

    @Test("a copy killed mid-flow: the next copy takes over the same sign-in, no second browser")
    func killedCopyIsTakenOver() async throws {
        let rig = try await SignInRig(holding: true)
        defer { rig.cleanUp() }
        let server = try await rig.server()
        let first = try rig.bridge(server.mcpURL)
        first.send(Lines.initialize())
        first.send(Lines.call("w", "whoami", "{}"))
        let announced = try await first.signInURL()
        try await rig.browser.next("held")
        first.signal(SIGKILL)
        _ = await first.waitForExit()

        let second = try rig.bridge(server.mcpURL)
        second.send(Lines.initialize())
        second.send(Lines.initialized)
        second.send(Lines.call("w", "whoami", "{}"))
        // Listening on the same port for the same state before it says where to sign in.
        let again = try await second.signInURL()
        #expect(again == announced, "the second copy started another sign-in: \(again) vs \(announced)")
        rig.hold?.release()
        let callback = try await rig.browser.next("callback")
        #expect(callback["status"] == 200, "\(callback)")
        let answer = try await second.answer("w")
        #expect(answer["result"]?["structuredContent"]?["person"]?["username"] == "alice", "\(answer)")
        #expect(rig.browser.openings == 1, "\(rig.browser.events)")
        #expect(server.auditCount("client.registered") == 1)
        #expect(server.tokensIssued("authorization_code") == 1)
    }
}
