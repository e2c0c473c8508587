import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RemoteMCPTestSupport
import Testing

@testable import MCPBridgeCore

/// The sign-in link's side of the loopback listener: the link redirects to the authorization URL and sets the
/// cookie, a callback without that cookie is refused and the sign-in keeps waiting, and connections are capped.
@Suite("the loopback listener's sign-in link", .timeLimit(.minutes(1)))
struct LoopbackEntranceTests {
    /// Requests as a browser sends them, one at a time, without following redirects (the destination is made up).
    static func get(_ port: Int, _ target: String, cookie: String? = nil) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(target)")
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        defer { _ = client.shutdown() }
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response
    }

    static func entrance() throws -> (SignInLink, LoopbackCallbackServer.Entrance) {
        let link = try SignInLink(redirectURI: "http://127.0.0.1:1/callback")
        let destination = try #require(URL(string: "https://as.example.com/authorize?client_id=c&state=s%20t"))
        return (link, .init(link: link, destination: destination, expiresAt: Date().addingTimeInterval(600)))
    }

    @Test("the link redirects once to the authorization URL with an HttpOnly cookie; then only that browser again")
    func redirects() async throws {
        let (link, entrance) = try Self.entrance()
        #expect(link.url.hasPrefix("http://127.0.0.1:1/sign-in/") && link.path.count > "/sign-in/".count + 16)
        #expect(!link.url.contains(link.cookie))
        let listener = try await LoopbackCallbackServer.bind(port: 0, entrance: entrance)
        let response = try await Self.get(listener.port, link.path)
        #expect(response.status == .found)
        #expect(response.headers.first(name: "Location") == entrance.destination.absoluteString)
        let cookies = response.headers["Set-Cookie"]
        #expect(cookies.count == 2, "\(cookies)")
        let cookie = try #require(cookies.first)
        #expect(cookie.hasPrefix("mcp_bridge_sign_in_\(listener.port)=\(link.cookie); Path=/callback; "))
        #expect(
            cookies.last?.hasPrefix("mcp_bridge_sign_in_\(listener.port)=\(link.cookie); Path=\(link.path); ") == true
        )
        #expect(cookies.allSatisfy { $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })
        let maxAge = try #require(cookie.firstMatch(of: /Max-Age=(\d+)/).flatMap { Int($0.1) })
        #expect((590...600).contains(maxAge))
        #expect(response.headers.first(name: "Cache-Control") == "no-store")
        #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer")
        // Used: another browser (no cookie, or a wrong one) is refused; the same browser is let in again.
        let name = SignInLink.cookieName(port: listener.port)
        #expect(try await Self.get(listener.port, link.path).status == .forbidden)
        #expect(
            try await Self.get(listener.port, link.path, cookie: "\(name)=\(String(repeating: "B", count: 43))").status
                == .forbidden
        )
        let again = try await Self.get(listener.port, link.path, cookie: "\(name)=\(link.cookie)")
        #expect(again.status == .found)
        #expect(again.headers.first(name: "Location") == entrance.destination.absoluteString)
        // Another path under /sign-in/ is just not found.
        #expect(try await Self.get(listener.port, "/sign-in/guess").status == .notFound)
        await listener.close()
    }

    @Test("a callback without the cookie (or with another) is refused and never judged; with it, the code")
    func cookieRequired() async throws {
        let (link, entrance) = try Self.entrance()
        let listener = try await LoopbackCallbackServer.bind(port: 0, entrance: entrance)
        let request = try LoopbackCallbackServerTests.request(port: listener.port)
        let judged = Recorder<String>()
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await listener.waitForCode { query in
                    judged.append(query)
                    return AuthorizationCallback.validate(query: query, for: request)
                }
            }
            let callback = "/callback?code=attacker&state=\(request.state)"
            let name = SignInLink.cookieName(port: listener.port)
            let none = try await Self.get(listener.port, callback)
            #expect(none.status == .forbidden)
            let wrong = try await Self.get(
                listener.port,
                callback,
                cookie: "\(name)=\(String(repeating: "A", count: 43))"
            )
            #expect(wrong.status == .forbidden)
            let otherPort = try await Self.get(listener.port, callback, cookie: "mcp_bridge_sign_in_1=\(link.cookie)")
            #expect(otherPort.status == .forbidden)
            #expect(judged.items.isEmpty)

            let right = try await Self.get(
                listener.port,
                "/callback?code=the-code&state=\(request.state)",
                cookie: "theme=dark; \(name)=\(link.cookie)"
            )
            #expect(right.status == .ok)
            #expect(try await group.next() == "the-code")
        }
        #expect(judged.items.count == 1)
        await listener.close()
    }

    @Test("at most 32 connections at once: a new one takes the place of the oldest that sent nothing")
    func connectionCap() async throws {
        // Idle connections are closed after the request time limit; a loaded CI machine once took longer than the
        // usual 10 s to open these 33, so this listener waits longer.
        let listener = try await LoopbackCallbackServer.bind(port: 0, entrance: nil, requestTimeLimit: .minutes(5))
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        var open: [any Channel] = []
        for _ in 0...LoopbackCallbackServer.maximumConnections {
            open.append(try await bootstrap.connect(host: "127.0.0.1", port: listener.port).get())
        }
        // Whoever holds every slot cannot keep the browser out: the oldest idle connection gives way. The kernel
        // may hand the listener these in another order than they connected (its queue holds 16, and a loaded
        // machine retries the rest), so which one that is is not known: the first to close is it.
        let (closes, closed) = AsyncStream<Int>.makeStream()
        for (index, channel) in open.enumerated() {
            channel.closeFuture.whenComplete { _ in closed.yield(index) }
        }
        var iterator = closes.makeAsyncIterator()
        let evicted = try #require(await iterator.next())
        open.remove(at: evicted)
        for channel in open { #expect(channel.isActive) }
        // One of them sends a request: the listener answers and closes it itself, which frees its slot before the
        // client can see the close (a closed connection is uncounted in the listener's own close).
        let first = open.removeFirst()
        let head = "GET /nothing HTTP/1.1\r\nHost: 127.0.0.1:\(listener.port)\r\n\r\n"
        try await first.writeAndFlush(ByteBuffer(string: head))
        try await first.closeFuture.get()
        #expect(try await Self.get(listener.port, "/nothing").status == .notFound)
        for channel in open { try? await channel.close() }
        await listener.close()
    }
}
