import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

@testable import MCPServerCore

/// Client ID Metadata Documents fetched from a real HTTPS server: validation, caching, and the fetch limits.
@Suite("Client ID Metadata Documents over TLS", .childProcesses, .timeLimit(.minutes(2)))
struct MetadataDocumentFetchTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func fetcher(
        _ server: OutboundTestServer,
        allowPrivate: Bool = true,
        // Generous: only the stall test wants a timeout, and it sets its own. The suite runs beside hundreds of
        // others on two cores, where a TLS handshake can take seconds.
        timeout: Duration = .seconds(30),
        maxCacheLifetime: Duration = .seconds(24 * 3_600)
    ) throws -> ClientMetadataDocumentFetcher {
        try ClientMetadataDocumentFetcher(
            policy: MetadataDocumentPolicy(
                allowPrivateAddresses: allowPrivate,
                extraTrustRootsPEM: server.caPEM,
                timeout: timeout,
                maxCacheLifetime: maxCacheLifetime,
                defaultCacheLifetime: .seconds(300)
            )
        )
    }

    /// A document shaped like Claude Code's, published at `id`.
    static func document(_ id: String, name: String = "Claude Code") -> String {
        #"{"client_id":"\#(id)","client_name":"\#(name)","redirect_uris":["http://localhost/callback","http://127.0.0.1/callback"],"grant_types":["authorization_code","refresh_token"],"response_types":["code"],"token_endpoint_auth_method":"none"}"#
    }

    static func expectRefused(_ fragment: String, _ operation: () async throws -> ClientMetadata) async {
        do {
            _ = try await operation()
            Issue.record("accepted; expected a refusal mentioning \(fragment)")
        } catch let error as ClientMetadataDocumentError {
            #expect(error.description.contains(fragment), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a Claude Code-shaped document is fetched and accepted; the directory knows the client by its URL")
    func accepted() async throws {
        try await OutboundTestServer.with { server in
            let id = server.url("/files/oauth/client-metadata")
            await server.files.put("/files/oauth/client-metadata", Self.document(id))
            let documents = try Self.fetcher(server)
            let metadata = try await documents.metadata(forClientID: id, now: Self.start)
            #expect(metadata.clientName == "Claude Code" && metadata.tokenEndpointAuthMethod == "none")
            let directory = ClientDirectory(store: InMemoryServerStore(), documents: documents)
            let client = try #require(try await directory.client(id: id, now: Self.start))
            #expect(client.isPublic && client.displayName == "Claude Code")
            #expect(
                RedirectURIPolicy.matches(
                    "http://127.0.0.1:49152/callback",
                    registered: client.authorizationClient.redirectURIs
                )
            )
        }
    }

    @Test("a document whose client_id is not its URL is refused, and the refusal is remembered only briefly")
    func mismatchedClientID() async throws {
        try await OutboundTestServer.with { server in
            let id = server.url("/files/client.json")
            await server.files.put("/files/client.json", Self.document(server.url("/files/other.json")))
            let documents = try Self.fetcher(server)
            await Self.expectRefused("client_id") { try await documents.metadata(forClientID: id, now: Self.start) }
            await Self.expectRefused("client_id") { try await documents.metadata(forClientID: id, now: Self.start + 2) }
            #expect(await server.files.count("/files/client.json") == 1)
            // The client fixes its document: picked up once the short failure lifetime has passed.
            await server.files.put("/files/client.json", Self.document(id))
            let fixed = try await documents.metadata(forClientID: id, now: Self.start + 6)
            #expect(fixed.clientName == "Claude Code")
            #expect(await server.files.count("/files/client.json") == 2)
        }
    }

    @Test("caching follows Cache-Control and Expires, within the ceiling; no-store is fetched every time")
    func caching() async throws {
        try await OutboundTestServer.with { server in
            let documents = try Self.fetcher(server, maxCacheLifetime: .seconds(100))
            func fetch(_ path: String, at offset: TimeInterval) async throws -> String? {
                try await documents.metadata(forClientID: server.url(path), now: Self.start + offset).clientName
            }
            let cases: [(path: String, headers: [(String, String)], fresh: TimeInterval, stale: TimeInterval)] = [
                ("/files/max-age", [("Cache-Control", "max-age=60")], 59, 60),
                ("/files/ceiling", [("Cache-Control", "max-age=100000")], 99, 100),
                ("/files/default", [], 99, 100),
            ]
            for item in cases {
                await server.files.put(
                    item.path,
                    Self.document(server.url(item.path), name: "v1"),
                    headers: item.headers
                )
                #expect(try await fetch(item.path, at: 0) == "v1")
                await server.files.put(
                    item.path,
                    Self.document(server.url(item.path), name: "v2"),
                    headers: item.headers
                )
                #expect(try await fetch(item.path, at: item.fresh) == "v1", "\(item.path) still fresh")
                #expect(try await fetch(item.path, at: item.stale) == "v2", "\(item.path) stale")
                #expect(await server.files.count(item.path) == 2, "\(item.path)")
            }
            // Not reused: no-store, and an Expires already past (the server's own Date header is now).
            let uncached = [
                ("/files/no-store", [("Cache-Control", "no-store")]),
                ("/files/expired", [("Expires", "Sun, 06 Nov 1994 08:49:37 GMT")]),
            ]
            for (path, headers) in uncached {
                await server.files.put(path, Self.document(server.url(path)), headers: headers)
                for _ in 0..<3 { _ = try await fetch(path, at: 0) }
                #expect(await server.files.count(path) == 3, "\(path)")
            }
        }
    }

    @Test("concurrent requests for one document share one fetch")
    func sharedFetch() async throws {
        try await OutboundTestServer.with { server in
            let id = server.url("/files/shared.json")
            await server.files.put("/files/shared.json", Self.document(id))
            let documents = try Self.fetcher(server)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask { _ = try await documents.metadata(forClientID: id, now: Self.start) }
                }
                try await group.waitForAll()
            }
            #expect(await server.files.count("/files/shared.json") == 1)
        }
    }

    @Test("the fetch rules apply: private address, size, time, redirect, status, URL shape")
    func fetchRules() async throws {
        try await OutboundTestServer.with { server in
            let id = server.url("/files/client.json")
            await server.files.put("/files/client.json", Self.document(id))
            await Self.expectRefused("loopback") {
                try await Self.fetcher(server, allowPrivate: false).metadata(forClientID: id, now: Self.start)
            }
            #expect(await server.files.count("/files/client.json") == 0)
            let documents = try Self.fetcher(server)
            await Self.expectRefused("larger than") {
                try await documents.metadata(forClientID: server.url("/big"), now: Self.start)
            }
            await Self.expectRefused("did not answer") {
                try await Self.fetcher(server, timeout: .milliseconds(500))
                    .metadata(forClientID: server.url("/slow"), now: Self.start)
            }
            await Self.expectRefused("redirect") {
                try await documents.metadata(forClientID: server.url("/redirect"), now: Self.start)
            }
            await Self.expectRefused("HTTP 404") {
                try await documents.metadata(forClientID: server.url("/files/missing"), now: Self.start)
            }
            await Self.expectRefused("https") {
                try await documents.metadata(
                    forClientID: "http://127.0.0.1:\(server.port)/files/client.json",
                    now: Self.start
                )
            }
            await Self.expectRefused("fragment") {
                try await documents.metadata(forClientID: id + "#x", now: Self.start)
            }
        }
    }
}
