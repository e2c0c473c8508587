import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

@testable import MCPServerCore

/// ``OutboundFetcher`` against a real HTTPS server on 127.0.0.1 with a certificate from a test CA.
@Suite("Outbound fetcher over TLS", .childProcesses, .timeLimit(.minutes(2)))
struct OutboundFetcherTests {
    /// A resolver that answers from a table, as a hostile DNS server could.
    struct TableResolver: HostResolver {
        let table: [String: [String]]

        func addresses(of host: String) async throws -> [IPAddress] {
            (self.table[host] ?? []).compactMap { IPAddress($0) }
        }
    }

    static func fetcher(
        _ server: OutboundTestServer,
        allowPrivate: Bool = true,
        trustCA: Bool = true,
        maxBytes: Int = 5 * 1024,
        // Generous: only the stall test wants a timeout, and it sets its own. The suite runs beside hundreds of
        // others on two cores, where a TLS handshake can take seconds.
        timeout: Duration = .seconds(30),
        resolver: (any HostResolver)? = nil
    ) throws -> OutboundFetcher {
        let policy = OutboundPolicy(
            allowPrivateAddresses: allowPrivate,
            extraTrustRootsPEM: trustCA ? server.caPEM : nil,
            maxBytes: maxBytes,
            timeout: timeout
        )
        return try OutboundFetcher(policy: policy, resolver: resolver ?? SystemHostResolver())
    }

    static func expectFailure(
        _ kind: OutboundFetchError.Kind,
        _ fragment: String = "",
        _ operation: () async throws -> OutboundResponse
    ) async {
        do {
            let response = try await operation()
            Issue.record("fetched (HTTP \(response.status)); expected \(kind)")
        } catch let error as OutboundFetchError {
            #expect(error.kind == kind, "\(error)")
            #expect(fragment.isEmpty || error.description.contains(fragment), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a document is fetched over TLS; without allowPrivateAddresses 127.0.0.1 is refused before connecting")
    func privateAddresses() async throws {
        try await OutboundTestServer.with { server in
            await server.files.put("/files/doc", #"{"ok":true}"#)
            let response = try await Self.fetcher(server).get(server.url("/files/doc"))
            #expect(response.status == 200 && response.body == Array(#"{"ok":true}"#.utf8))
            #expect(response.mediaType == "application/json")
            await Self.expectFailure(.refusedAddress, "loopback") {
                try await Self.fetcher(server, allowPrivate: false).get(server.url("/files/doc"))
            }
            #expect(await server.files.count("/files/doc") == 1)
        }
    }

    @Test("a name is resolved, pinned, and its certificate checked for the name; a name the certificate lacks fails")
    func namesAndCertificates() async throws {
        try await OutboundTestServer.with(certificate: .nameOnly) { server in
            await server.files.put("/files/doc", "{}")
            // localhost: whatever the system resolver answers (::1 first, where nothing listens, then 127.0.0.1).
            let byName = try await Self.fetcher(server).get(server.url("/files/doc", host: "localhost"))
            #expect(byName.status == 200)
            // Pinned: the table sends the name to 127.0.0.1 whatever the system resolver would say.
            let resolver = TableResolver(table: ["localhost": ["127.0.0.1"], "rebound.test": ["127.0.0.1"]])
            let pinned = try await Self.fetcher(server, resolver: resolver).get(
                server.url("/files/doc", host: "localhost")
            )
            #expect(pinned.status == 200)
            // A name that resolves to the server but is not on its certificate: TLS refuses.
            await Self.expectFailure(.connectionFailed, "certificate") {
                try await Self.fetcher(server, resolver: resolver).get(server.url("/files/doc", host: "rebound.test"))
            }
            // The certificate has no IP address: asked for by address, TLS refuses too.
            await Self.expectFailure(.connectionFailed, "certificate") {
                try await Self.fetcher(server).get(server.url("/files/doc"))
            }
            // The system's roots alone do not trust the test CA.
            await Self.expectFailure(.connectionFailed, "certificate") {
                try await Self.fetcher(server, trustCA: false).get(server.url("/files/doc", host: "localhost"))
            }
        }
    }

    @Test("every resolved address is checked: one private address among public ones refuses the name")
    func everyAddressChecked() async throws {
        try await OutboundTestServer.with { server in
            let resolver = TableResolver(table: [
                "mixed.test": ["93.184.216.34", "127.0.0.1"], "metadata.test": ["169.254.169.254"],
                "mapped.test": ["::ffff:10.0.0.1"], "nowhere.test": [],
            ])
            let fetcher = try Self.fetcher(server, allowPrivate: false, resolver: resolver)
            await Self.expectFailure(.refusedAddress, "loopback") { try await fetcher.get("https://mixed.test/doc") }
            await Self.expectFailure(.refusedAddress, "link-local") { try await fetcher.get("https://metadata.test/") }
            await Self.expectFailure(.refusedAddress, "private") { try await fetcher.get("https://mapped.test/") }
            await Self.expectFailure(.unresolvable) { try await fetcher.get("https://nowhere.test/") }
            await Self.expectFailure(.refusedAddress, "link-local") { try await fetcher.get("https://[fe80::1]/") }
        }
    }

    @Test("bodies past the size limit are refused, with or without Content-Length")
    func sizeLimit() async throws {
        try await OutboundTestServer.with { server in
            let fetcher = try Self.fetcher(server)
            await Self.expectFailure(.tooLarge) { try await fetcher.get(server.url("/big")) }
            await Self.expectFailure(.tooLarge) { try await fetcher.get(server.url("/big-chunked")) }
            let allowed = try await Self.fetcher(server, maxBytes: 64 * 1024).get(server.url("/big"))
            #expect(allowed.body.count == 64 * 1024)
        }
    }

    @Test("a body that stalls ends at the timeout")
    func slowBody() async throws {
        try await OutboundTestServer.with { server in
            let fetcher = try Self.fetcher(server, timeout: .milliseconds(500))
            // `/slow` never finishes, so an answer at all is the timeout working; how soon is not asserted.
            await Self.expectFailure(.timedOut) { try await fetcher.get(server.url("/slow")) }
        }
    }

    @Test("redirects are errors and are not followed")
    func redirects() async throws {
        try await OutboundTestServer.with { server in
            await server.files.put("/files/target", "{}")
            await Self.expectFailure(.redirected, "302") { try await Self.fetcher(server).get(server.url("/redirect")) }
            #expect(await server.files.count("/files/target") == 0)
        }
    }

    @Test("plain http is refused, and allowed only on loopback when the policy says so")
    func plainHTTP() async throws {
        try await OutboundTestServer.with { server in
            let fetcher = try Self.fetcher(server)
            await Self.expectFailure(.invalidURL, "https") {
                try await fetcher.get("http://127.0.0.1:\(server.port)/x")
            }
            let loopback = try OutboundFetcher(
                policy: OutboundPolicy(allowPrivateAddresses: true, allowHTTPOnLoopback: true),
                resolver: TableResolver(table: ["intranet.test": ["10.0.0.5"], "localhost": ["127.0.0.1", "10.0.0.5"]])
            )
            await Self.expectFailure(.invalidURL, "https") { try await loopback.get("http://10.0.0.5/x") }
            await Self.expectFailure(.invalidURL, "https") { try await loopback.get("http://intranet.test/x") }
            await Self.expectFailure(.refusedAddress, "loopback") { try await loopback.get("http://localhost/x") }
        }
    }

    @Test("a form POST sends the body and the extra headers")
    func postForm() async throws {
        try await OutboundTestServer.with { server in
            let response = try await Self.fetcher(server).postForm(
                server.url("/echo"),
                form: [("grant_type", "authorization_code"), ("code", "a b&c")],
                headers: [("Authorization", "Basic abc")]
            )
            let json = try JSONValue(parsing: response.body)
            #expect(json["form"] == "grant_type=authorization_code&code=a+b%26c")
            #expect(json["authorization"] == "Basic abc")
        }
    }
}
