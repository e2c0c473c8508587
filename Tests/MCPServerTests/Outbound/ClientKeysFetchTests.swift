import Foundation
import JWTKit
import MCPWire
import RemoteMCPTestSupport
import Testing

@testable import MCPServerCore

/// `private_key_jwt` with keys published at a `jwks_uri` on a real HTTPS server: fetched, cached, and fetched
/// again once when a client rotates its key.
@Suite("Client assertions with a jwks_uri over TLS", .childProcesses, .timeLimit(.minutes(2)))
struct ClientKeysFetchTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let clientID = "cli_jwks_uri"
    static let audience = "https://mcp.example/token"

    struct Claims: JWTPayload {
        var iss: String
        var sub: String
        var aud: String
        var exp: Int
        var jti: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A P-256 key published as `kid`, and assertions signed with it.
    struct Key {
        let kid: String
        let keys: JWTKeyCollection
        let jwk: String

        init(kid: String) async throws {
            let key = ES256PrivateKey()
            let parameters = try #require(key.publicKey.parameters)
            self.kid = kid
            self.keys = await JWTKeyCollection().add(ecdsa: key, kid: JWKIdentifier(string: kid))
            self.jwk = #"{"kty":"EC","crv":"P-256","kid":"\#(kid)","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        }

        func assertion(at now: Date) async throws -> String {
            let claims = Claims(
                iss: ClientKeysFetchTests.clientID,
                sub: ClientKeysFetchTests.clientID,
                aud: ClientKeysFetchTests.audience,
                exp: Int(now.timeIntervalSince1970) + 60,
                jti: UUID().uuidString
            )
            return try await self.keys.sign(claims, kid: JWKIdentifier(string: self.kid))
        }
    }

    @Test("keys come from the jwks_uri, cached; a rotated key is found by one more fetch, at most every 30 s")
    func rotation() async throws {
        try await OutboundTestServer.with { server in
            let policy = MetadataDocumentPolicy(allowPrivateAddresses: true, extraTrustRootsPEM: server.caPEM)
            let verifier = try ClientAssertionVerifier(store: InMemoryServerStore(), policy: policy)
            let metadata = ClientMetadata(
                tokenEndpointAuthMethod: "private_key_jwt",
                jwksURI: server.url("/files/jwks")
            )
            let client = KnownClient(
                id: Self.clientID,
                metadata: metadata,
                source: .metadataDocument(fetchedAt: Self.start)
            )
            func verify(_ key: Key, at offset: TimeInterval) async throws {
                let now = Self.start + offset
                try await verifier.verify(
                    assertion: try await key.assertion(at: now),
                    client: client,
                    audiences: [Self.audience],
                    now: now
                )
            }
            let first = try await Key(kid: "2026-01")
            let second = try await Key(kid: "2026-02")
            let third = try await Key(kid: "2026-03")
            let cacheFor = [("Cache-Control", "max-age=3600")]
            await server.files.put("/files/jwks", #"{"keys":[\#(first.jwk)]}"#, headers: cacheFor)
            try await verify(first, at: 0)
            try await verify(first, at: 10)
            #expect(await server.files.count("/files/jwks") == 1)
            // The client rotates: the cached set lacks the new kid, so it is fetched once more.
            await server.files.put("/files/jwks", #"{"keys":[\#(second.jwk)]}"#, headers: cacheFor)
            try await verify(second, at: 40)
            #expect(await server.files.count("/files/jwks") == 2)
            // Another unknown kid right after: not fetched again within 30 s, refused.
            await server.files.put("/files/jwks", #"{"keys":[\#(third.jwk)]}"#, headers: cacheFor)
            await #expect(throws: ClientAssertionError.self) { try await verify(third, at: 50) }
            #expect(await server.files.count("/files/jwks") == 2)
            try await verify(third, at: 71)
            #expect(await server.files.count("/files/jwks") == 3)
        }
    }

    @Test("a jwks_uri on a private address is refused under the default policy")
    func privateJWKSURI() async throws {
        try await OutboundTestServer.with { server in
            let verifier = try ClientAssertionVerifier(store: InMemoryServerStore(), policy: MetadataDocumentPolicy())
            let metadata = ClientMetadata(
                tokenEndpointAuthMethod: "private_key_jwt",
                jwksURI: server.url("/files/jwks")
            )
            let client = KnownClient(
                id: Self.clientID,
                metadata: metadata,
                source: .metadataDocument(fetchedAt: Self.start)
            )
            let key = try await Key(kid: "k")
            await server.files.put("/files/jwks", #"{"keys":[\#(key.jwk)]}"#)
            do {
                try await verifier.verify(
                    assertion: try await key.assertion(at: Self.start),
                    client: client,
                    audiences: [Self.audience],
                    now: Self.start
                )
                Issue.record("accepted")
            } catch let error as ClientAssertionError {
                #expect(error.description.contains("loopback"), "\(error)")
            }
            #expect(await server.files.count("/files/jwks") == 0)
        }
    }
}
