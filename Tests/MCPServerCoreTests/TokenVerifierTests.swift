import Foundation
import JWTKit
import Logging
import MCPWire
import Testing

@testable import MCPServerCore

/// The verifier's time checks and its cache: what a token signed with a leaked or removed key can do.
@Suite("Token verifier times and cache")
struct TokenVerifierTests {
    static let urls = ServerURLs(base: "http://mcp.test")

    static func claims(
        lifetime: TimeInterval = 600,
        issuedAt: Date = Date(),
        notBefore: Date? = nil,
        client: String
    ) -> AccessTokenClaims {
        let issued = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        return AccessTokenClaims(
            issuer: .init(value: Self.urls.issuer),
            subject: .init(value: client),
            audience: .init(value: [Self.urls.resource]),
            expiration: .init(value: issued.addingTimeInterval(lifetime)),
            issuedAt: .init(value: issued),
            notBefore: notBefore.map { .init(value: $0) },
            id: .init(value: "j"),
            clientID: client,
            scope: "mcp:read"
        )
    }

    static func setUp() async throws -> (InMemoryServerStore, KeyRing, TokenVerifier, String) {
        let store = InMemoryServerStore()
        let ring = try await KeyRing.load(
            source: .store,
            store: store,
            tokenLifetime: .seconds(600),
            logger: Logger(label: "t")
        )
        let verifier = TokenVerifier(
            keyRing: ring,
            store: store,
            tokenLifetime: .seconds(600),
            clientRecheckInterval: .seconds(5)
        )
        let client = StoredClient(
            id: "mcp_c",
            secretHash: "x",
            registrationTokenHash: "x",
            metadata: [:],
            createdAt: Date(),
            updatedAt: Date()
        )
        try await store.insertClient(client)
        return (store, ring, verifier, client.id)
    }

    @Test func aTokenWhoseNotBeforeIsInTheFutureIsRefused() async throws {
        let (_, ring, verifier, client) = try await Self.setUp()
        let early = try await ring.sign(Self.claims(notBefore: Date().addingTimeInterval(3600), client: client))
        await #expect(throws: TokenVerifier.Rejection(reason: "token not valid yet")) {
            try await verifier.verify(early, urls: Self.urls)
        }
        let fine = try await ring.sign(Self.claims(notBefore: Date().addingTimeInterval(-5), client: client))
        #expect(try await verifier.verify(fine, urls: Self.urls).clientID == client)
    }

    @Test func aTokenThatLivesLongerThanThisServerIssuesIsRefused() async throws {
        let (_, ring, verifier, client) = try await Self.setUp()
        let forged = try await ring.sign(Self.claims(lifetime: 10 * 365 * 86400, client: client))
        await #expect(throws: TokenVerifier.Rejection(reason: "token lifetime exceeds this server's")) {
            try await verifier.verify(forged, urls: Self.urls)
        }
        let longest = try await ring.sign(Self.claims(lifetime: 600, client: client))
        #expect(try await verifier.verify(longest, urls: Self.urls).clientID == client)
    }

    @Test func theCacheForgetsTokensWhenTheKeyRingChanges() async throws {
        let (store, ring, verifier, client) = try await Self.setUp()
        let token = try await ring.sign(Self.claims(client: client))
        _ = try await verifier.verify(token, urls: Self.urls)
        // The operator removes the key (it leaked) and a new one takes its place.
        let old = try #require(try await store.signingKeys().first)
        #expect(try await store.deleteSigningKey(id: old.id))
        let new = try KeyRing.newStoredKey()
        try await store.insertSigningKey(new)
        // A token naming the new key makes the ring look at the store again.
        let probe = try await Self.unsignedToken(kid: new.id)
        _ = try? await verifier.verify(probe, urls: Self.urls)
        #expect(await ring.currentKeyID == new.id)
        await #expect(throws: TokenVerifier.Rejection.self) {
            try await verifier.verify(token, urls: Self.urls)
        }
    }

    @Test func aCachedTokenIsCheckedAgainForOtherURLs() async throws {
        let (_, ring, verifier, client) = try await Self.setUp()
        let token = try await ring.sign(Self.claims(client: client))
        _ = try await verifier.verify(token, urls: Self.urls)
        await #expect(throws: TokenVerifier.Rejection(reason: "wrong issuer")) {
            try await verifier.verify(token, urls: ServerURLs(base: "https://other.example"))
        }
    }

    @Test func theAuthorizationCarriesTheTokensExpiry() async throws {
        let (_, ring, verifier, client) = try await Self.setUp()
        let claims = Self.claims(lifetime: 300, client: client)
        let token = try await ring.sign(claims)
        // Twice: verified, then from the cache.
        for _ in 0..<2 {
            #expect(try await verifier.verify(token, urls: Self.urls).expiresAt == claims.expiration.value)
        }
    }

    @Test func removingAClientTellsTheObservers() async throws {
        let (_, _, verifier, client) = try await Self.setUp()
        let (removed, tell) = AsyncStream.makeStream(of: String.self)
        verifier.whenClientRemoved { tell.yield($0) }
        verifier.clientRemoved(client)
        #expect(await removed.first { _ in true } == client)
    }

    /// A token with a valid-looking header naming `kid` and no valid signature.
    static func unsignedToken(kid: String) async throws -> String {
        let header: JSONValue = ["typ": "at+jwt", "alg": "ES256", "kid": .string(kid)]
        return Base64.encode(header.serialized(), .url) + "." + Base64.encode(Array("{}".utf8), .url) + ".AAAA"
    }
}
