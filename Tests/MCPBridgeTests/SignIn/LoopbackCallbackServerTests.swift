import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import RemoteMCPTestSupport
import Testing

@testable import MCPBridgeCore

@Suite("the loopback callback listener", .timeLimit(.minutes(1)))
struct LoopbackCallbackServerTests {
    static func request(port: Int) throws -> AuthorizationRequest {
        try AuthorizationRequest(
            authorizationEndpoint: "https://as.example.com/authorize",
            issuer: "https://as.example.com",
            clientID: "client-1",
            redirectURI: "http://127.0.0.1:\(port)/callback",
            scope: nil,
            resource: "https://mcp.example.com/mcp",
            issParameterSupported: false
        )
    }

    static func get(
        _ listener: LoopbackCallbackServer,
        _ target: String,
        host: String? = nil
    ) async throws
        -> TestHTTP.Response
    {
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)\(target)"))
        return try await TestHTTP.request(url, headers: host.map { ["Host": $0] } ?? [:])
    }

    @Test("a stale tab gets the out-of-date page and the wait goes on; the right callback gives the code")
    func staleThenRight() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let request = try Self.request(port: listener.port)
        #expect(listener.redirectURI == "http://127.0.0.1:\(listener.port)/callback")
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await listener.waitForCode(serverName: "mcp.example.com <test>") { query in
                    AuthorizationCallback.validate(query: query, for: request)
                }
            }
            let stale = try await Self.get(listener, "/callback?code=old&state=an-older-state")
            #expect(stale.status == 400)
            #expect(stale.body.contains("out of date"))

            let right = try await Self.get(listener, "/callback?code=the-code&state=\(request.state)")
            #expect(right.status == 200)
            #expect(right.body.contains("Signed in to mcp.example.com &lt;test&gt;. You can close this tab."))
            #expect(right.header("Content-Security-Policy") == "default-src 'none'; style-src 'unsafe-inline'")
            #expect(right.header("Cache-Control") == "no-store")
            #expect(right.header("Referrer-Policy") == "no-referrer")
            #expect(right.header("Content-Type") == "text/html; charset=utf-8")
            #expect(right.header("Connection") == "close")
            #expect(!right.body.contains("<script") && !right.body.contains("src="))
            #expect(try await group.next() == "the-code")
        }
        await listener.close()
    }

    @Test("a callback that arrives before the wait is held and judged when it begins")
    func early() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let request = try Self.request(port: listener.port)
        let held = Self.heldCounts(listener)
        try await withThrowingTaskGroup(of: TestHTTP.Response.self) { group in
            group.addTask { try await Self.get(listener, "/callback?code=early&state=\(request.state)") }
            try await held.waitForCount(1)
            let code = try await listener.waitForCode { AuthorizationCallback.validate(query: $0, for: request) }
            #expect(code == "early")
            #expect(try await group.next()?.status == 200)
        }
        await listener.close()
    }

    @Test("the server's refusal ends the wait with its error and says so on the page")
    func refused() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let request = try Self.request(port: listener.port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let error = await #expect(throws: BridgeError.self) {
                    try await listener.waitForCode(serverName: "mcp.example.com") {
                        AuthorizationCallback.validate(query: $0, for: request)
                    }
                }
                #expect(error?.description.contains("access_denied") == true)
            }
            let page = try await Self.get(
                listener,
                "/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state=\(request.state)"
            )
            #expect(page.status == 400)
            #expect(page.body.contains("access_denied"))
            #expect(page.body.contains("&lt;b&gt;no&lt;/b&gt;"))
            try await group.waitForAll()
        }
        await listener.close()
    }

    @Test("anything but GET /callback is refused: 404, 405, a body, another Host")
    func refusals() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let root = try await Self.get(listener, "/")
        #expect(root.status == 404)
        let other = try await Self.get(listener, "/callbackx?code=1")
        #expect(other.status == 404)
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/callback?code=1"))
        let post = try await TestHTTP.request(url, method: .post, body: "code=1")
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET")
        let rebound = try await Self.get(listener, "/callback?code=1", host: "evil.example:\(listener.port)")
        #expect(rebound.status == 400)
        let localhost = try await Self.get(listener, "/nothing", host: "localhost:\(listener.port)")
        #expect(localhost.status == 404)
        await listener.close()
    }

    @Test("an oversized request is refused with 431, and the listener goes on")
    func oversized() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let request = try Self.request(port: listener.port)
        let huge = String(repeating: "a", count: LoopbackCallbackServer.maximumRequestBytes + 1024)
        let refused = try await Self.get(listener, "/callback?code=\(huge)&state=\(request.state)")
        #expect(refused.status == 431)
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await listener.waitForCode { AuthorizationCallback.validate(query: $0, for: request) }
            }
            let right = try await Self.get(listener, "/callback?code=small&state=\(request.state)")
            #expect(right.status == 200)
            #expect(try await group.next() == "small")
        }
        await listener.close()
    }

    @Test("a port held by another listener gives the clear error")
    func portInUse() async throws {
        let first = try await LoopbackCallbackServer.bind(port: 0)
        let error = await #expect(throws: BridgeError.self) {
            _ = try await LoopbackCallbackServer.bind(port: first.port)
        }
        #expect(
            error?.description
                == "port \(first.port) on 127.0.0.1 is in use by another program; free it or pass --callback-port"
        )
        await first.close()
    }

    @Test("a port whose last connection is in TIME_WAIT can be listened on again at once (SO_REUSEADDR)")
    func reuse() async throws {
        // A port in the stable range, outside the system's ephemeral ports: no client of a parallel test can be
        // given it between the close and the second bind.
        var first: LoopbackCallbackServer?
        for _ in 0..<20 where first == nil {
            first = try? await LoopbackCallbackServer.bind(port: Int.random(in: CallbackPort.range))
        }
        let listener = try #require(first)
        // The listener closes this connection first, which leaves it in TIME_WAIT on the listener's side.
        let page = try await Self.get(listener, "/nothing")
        #expect(page.status == 404)
        await listener.close()
        let again = try await LoopbackCallbackServer.bind(port: listener.port)
        #expect(again.port == listener.port)
        await again.close()
    }

    @Test("a port out of range is refused before anything is tried")
    func portOutOfRange() async {
        await #expect(throws: BridgeError.self) { _ = try await LoopbackCallbackServer.bind(port: 70000) }
    }

    @Test("cancelling the waiting task ends the wait; closing the listener ends it with an error")
    func cancelAndClose() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let request = try Self.request(port: listener.port)
        let waiting = Task {
            try await listener.waitForCode { AuthorizationCallback.validate(query: $0, for: request) }
        }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await #expect(throws: BridgeError.self) {
                    try await listener.waitForCode { AuthorizationCallback.validate(query: $0, for: request) }
                }
            }
            // The stale tab is answered only once the wait is in place: proof the waiter is registered.
            let stale = try await Self.get(listener, "/callback?state=nope")
            #expect(stale.body.contains("out of date"))
            await listener.close()
            try await group.waitForAll()
        }
    }

    @Test("callbacks held when the listener closes are told no sign-in waits")
    func heldAtClose() async throws {
        let listener = try await LoopbackCallbackServer.bind(port: 0)
        let held = Self.heldCounts(listener)
        try await withThrowingTaskGroup(of: TestHTTP.Response.self) { group in
            group.addTask { try await Self.get(listener, "/callback?code=x&state=y") }
            try await held.waitForCount(1)
            await listener.close()
            let page = try #require(try await group.next())
            #expect(page.status == 503)
            #expect(page.body.contains("No sign-in is waiting"))
        }
    }

    @Test("the stable port is in its range, the same for the same URL, and differs between servers")
    func stablePort() throws {
        let port = CallbackPort.stable(for: "https://mcp.example.com/mcp")
        #expect(CallbackPort.range.contains(port))
        #expect(port == CallbackPort.stable(for: "https://mcp.example.com/mcp"))
        #expect(port == CallbackPort.stable(for: try #require(URL(string: "https://mcp.example.com/mcp"))))
        #expect(port != CallbackPort.stable(for: "https://other.example.com/mcp"))
        #expect(!(32768...65535).contains(port) && port >= 20000)
        for index in 0..<200 {
            #expect(CallbackPort.range.contains(CallbackPort.stable(for: "https://server-\(index).example/mcp")))
        }
    }

    @Test("page text is escaped")
    func escaping() {
        #expect(CallbackPage.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        let page = CallbackPage.signedIn(server: "<img src=x>")
        #expect(page.html.contains("&lt;img src=x&gt;"))
        #expect(!page.html.contains("<img"))
    }

    /// What the listener reports each time it holds a callback nobody waits for yet.
    static func heldCounts(_ listener: LoopbackCallbackServer) -> Recorder<Int> {
        let held = Recorder<Int>()
        listener.inbox.onHold.withLockedValue { $0 = { held.append($0) } }
        return held
    }
}
