import Foundation
import JWTKit
import Logging
import MCPWire
import Testing

@testable import MCPServerCore

/// The verifier and people's tokens: `sub` the person, `sid` the grant family, both checked against the store when
/// the token is first seen and again at the recheck interval; revoked token ids refused.
@Suite("Token verifier: people's tokens")
struct TokenVerifierPersonTests {
    static let urls = ServerURLs(base: "http://mcp.test")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    struct Setup {
        let store: InMemoryServerStore
        let ring: KeyRing
        let verifier: TokenVerifier
    }

    static func setUp() async throws -> Setup {
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
        try await store.insertClient(
            StoredClient(
                id: "tok-c",
                secretHash: "",
                registrationTokenHash: "x",
                metadata: [:],
                createdAt: Self.start,
                updatedAt: Self.start
            )
        )
        try await store.insertPerson(
            StoredPerson(
                id: "usr_carol",
                username: "carol",
                displayName: "Carol",
                email: "carol@example.com",
                isAdmin: true,
                createdAt: Self.start,
                updatedAt: Self.start
            )
        )
        try await store.insertGrantFamily(Self.family("fam-1", client: "tok-c"))
        return Setup(store: store, ring: ring, verifier: verifier)
    }

    static func family(_ id: String, client: String, person: String = "usr_carol") -> StoredGrantFamily {
        StoredGrantFamily(
            id: id,
            clientID: client,
            personID: person,
            scope: "mcp:tools",
            resource: Self.urls.resource,
            authTime: Self.start,
            currentTokenHash: nil,
            createdAt: Self.start,
            lastUsedAt: Self.start,
            idleExpiresAt: Self.start + 3600,
            absoluteExpiresAt: Self.start + 86400
        )
    }

    static func token(
        _ ring: KeyRing,
        client: String = "tok-c",
        subject: String = "usr_carol",
        family: String? = "fam-1",
        jti: String = "jti-1"
    ) async throws -> String {
        try await ring.sign(
            AccessTokenClaims(
                issuer: .init(value: Self.urls.issuer),
                subject: .init(value: subject),
                audience: .init(value: [Self.urls.resource]),
                expiration: .init(value: Self.start + 600),
                issuedAt: .init(value: Self.start),
                id: .init(value: jti),
                clientID: client,
                scope: "mcp:tools",
                sessionID: family,
                authTime: .init(value: Self.start)
            )
        )
    }

    @Test func aPersonsTokenCarriesTheirProfileAndFamily() async throws {
        let setup = try await Self.setUp()
        let token = try await Self.token(setup.ring)
        let authorization = try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1)
        #expect(authorization.clientID == "tok-c")
        #expect(authorization.familyID == "fam-1")
        #expect(authorization.tokenID == "jti-1")
        #expect(
            authorization.person
                == AuthorizedPerson(
                    id: "usr_carol",
                    username: "carol",
                    displayName: "Carol",
                    email: "carol@example.com",
                    isAdmin: true
                )
        )
    }

    @Test func aSubjectOtherThanTheClientNeedsAFamily() async throws {
        let setup = try await Self.setUp()
        let token = try await Self.token(setup.ring, family: nil)
        await #expect(throws: TokenVerifier.Rejection(reason: "malformed token")) {
            try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1)
        }
    }

    @Test func aFamilyOfAnotherClientOrPersonIsRefused() async throws {
        let setup = try await Self.setUp()
        try await setup.store.insertGrantFamily(Self.family("fam-other", client: "tok-elsewhere"))
        try await setup.store.insertGrantFamily(Self.family("fam-bob", client: "tok-c", person: "usr_bob"))
        for family in ["fam-other", "fam-bob", "fam-missing"] {
            let token = try await Self.token(setup.ring, family: family)
            await #expect(throws: TokenVerifier.Rejection(reason: "the sign-in of this token has been revoked")) {
                try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1)
            }
        }
    }

    @Test func aRevokedTokenIDIsRefusedFromTheFirstLook() async throws {
        let setup = try await Self.setUp()
        #expect(try await setup.store.claimOnce(key: "revoked-jti:jti-9", expiresAt: Self.start + 600, now: Self.start))
        let token = try await Self.token(setup.ring, jti: "jti-9")
        await #expect(throws: TokenVerifier.Rejection(reason: "the token has been revoked")) {
            try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1)
        }
        // Another token of the same sign-in is not affected.
        #expect(
            try await setup.verifier.verify(Self.token(setup.ring, jti: "jti-10"), urls: Self.urls, now: Self.start + 1)
                .familyID == "fam-1"
        )
    }

    @Test func theStoreIsAskedAgainAtTheRecheckInterval() async throws {
        let setup = try await Self.setUp()
        let token = try await Self.token(setup.ring)
        _ = try await setup.verifier.verify(token, urls: Self.urls, now: Self.start)
        // Revoked by another process: this one keeps the token until its recheck is due.
        #expect(try await setup.store.revokeGrantFamily(id: "fam-1", reason: "revoked", now: Self.start + 1))
        _ = try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 4)
        await #expect(throws: TokenVerifier.Rejection(reason: "the sign-in of this token has been revoked")) {
            try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 5)
        }
    }

    @Test func theProfileIsReadAgainAtTheRecheckInterval() async throws {
        let setup = try await Self.setUp()
        let token = try await Self.token(setup.ring)
        _ = try await setup.verifier.verify(token, urls: Self.urls, now: Self.start)
        var carol = try #require(try await setup.store.person(id: "usr_carol"))
        carol.isAdmin = false
        try await setup.store.updatePerson(carol)
        #expect(try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1).person?.isAdmin == true)
        #expect(try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 5).person?.isAdmin == false)
    }

    @Test func removalsAndRevocationsInThisProcessTakeEffectAtOnce() async throws {
        let setup = try await Self.setUp()
        let token = try await Self.token(setup.ring)
        _ = try await setup.verifier.verify(token, urls: Self.urls, now: Self.start)
        #expect(try await setup.store.deletePerson(id: "usr_carol"))
        setup.verifier.personRemoved("usr_carol")
        await #expect(throws: TokenVerifier.Rejection(reason: "the person of this token no longer exists")) {
            try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1)
        }

        let second = try await Self.setUp()
        let revoked = try await Self.token(second.ring)
        _ = try await second.verifier.verify(revoked, urls: Self.urls, now: Self.start)
        _ = try await second.store.claimOnce(key: "revoked-jti:jti-1", expiresAt: Self.start + 600, now: Self.start)
        second.verifier.tokenRevoked(id: "jti-1")
        await #expect(throws: TokenVerifier.Rejection(reason: "the token has been revoked")) {
            try await second.verifier.verify(revoked, urls: Self.urls, now: Self.start + 1)
        }
    }

    @Test func aMetadataDocumentClientNeedsNoStoredClient() async throws {
        let setup = try await Self.setUp()
        let client = "https://app.example.com/oauth/client.json"
        try await setup.store.insertGrantFamily(Self.family("fam-cimd", client: client))
        let token = try await Self.token(setup.ring, client: client, family: "fam-cimd")
        let authorization = try await setup.verifier.verify(token, urls: Self.urls, now: Self.start + 1)
        #expect(authorization.clientID == client)
        #expect(authorization.person?.id == "usr_carol")
    }
}
