public import Foundation
public import MCPServerCore
import Testing

/// What every ``SignInStore`` backend must do. Each backend's test target runs every check against it:
///
/// ```swift
/// @Test(arguments: SignInStoreContract.checks)
/// func signInContract(_ check: SignInStoreContractCheck) async throws {
///     try await check.run(on: SQLiteServerStore.open(path: ":memory:", logger: logger))
/// }
/// ```
///
/// Times are explicit (`now:` and the records' own dates), never the clock, so no check waits for anything.
public enum SignInStoreContract {
    public static let checks: [SignInStoreContractCheck] = [
        SignInStoreContractCheck(name: "people round-trip; usernames are unique", body: Self.peopleRoundTrip),
        SignInStoreContractCheck(
            name: "update replaces; an unknown person is not found; a taken username is a duplicate",
            body: Self.updatePerson
        ),
        SignInStoreContractCheck(
            name: "upstream upsert keeps id, username, credential version and createdAt; the provider sets admin",
            body: Self.upstreamUpsertKeepsIdentity
        ),
        SignInStoreContractCheck(
            name: "a new upstream person's credential version is their creation second, also after a delete",
            body: Self.upstreamPersonStartsAtTheirCreationSecond
        ),
        SignInStoreContractCheck(
            name: "deleting a person deletes their consents",
            body: Self.deletingAPersonDeletesTheirConsents
        ),
        SignInStoreContractCheck(
            name: "a code redeems once; the second redemption reports reuse",
            body: Self.codeRedeemsOnce
        ),
        SignInStoreContractCheck(
            name: "another client or past expiry does not redeem and does not burn the code",
            body: Self.wrongClientOrExpiredCodeDoesNotBurn
        ),
        SignInStoreContractCheck(
            name: "concurrent redemptions: exactly one wins",
            body: Self.concurrentRedemptionsOneWins
        ),
        SignInStoreContractCheck(
            name: "refresh rotates once; the old token reports reuse and revokes the family",
            body: Self.refreshRotatesOnceAndReuseRevokes
        ),
        SignInStoreContractCheck(
            name: "a family keeps the credential version it was made with through rotation and revocation",
            body: Self.familyKeepsItsCredentialVersion
        ),
        SignInStoreContractCheck(
            name: "an unknown secret, family or client is refused without revoking",
            body: Self.unknownSecretIsRefusedWithoutRevoking
        ),
        SignInStoreContractCheck(
            name: "revoked, idle-expired and absolutely expired families refuse rotation",
            body: Self.revokedAndExpiredFamiliesRefuse
        ),
        SignInStoreContractCheck(
            name: "the ring keeps the 32 most recent hashes",
            body: Self.ringKeepsTheMostRecentHashes
        ),
        SignInStoreContractCheck(
            name: "concurrent rotations: exactly one wins",
            body: Self.concurrentRotationsOneWins
        ),
        SignInStoreContractCheck(name: "consents replace, read and delete", body: Self.consentsReplaceAndDelete),
        SignInStoreContractCheck(
            name: "upstream login state is taken once, not after expiry",
            body: Self.upstreamLoginTakenOnce
        ),
        SignInStoreContractCheck(
            name: "a claim is single-use until it expires, then can be claimed again",
            body: Self.claimsAreSingleUseUntilTheyExpire
        ),
        SignInStoreContractCheck(
            name: "claim keys of any length and text are distinct",
            body: Self.claimKeysOfAnyLengthAndTextAreDistinct
        ),
        SignInStoreContractCheck(name: "concurrent claims: exactly one wins", body: Self.concurrentClaimsOneWins),
    ]

    /// The moment the checks start from.
    public static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A local person as `mcp-server users add` stores one.
    public static func samplePerson(_ id: String, username: String?, at offset: TimeInterval = 0) -> StoredPerson {
        StoredPerson(
            id: id,
            username: username,
            displayName: "Person \(id)",
            email: "\(id)@example.com",
            passwordHash: username.map { "$2b$12$hash-of-\($0)" },
            credentialVersion: 1,
            isAdmin: false,
            createdAt: Self.start + offset,
            updatedAt: Self.start + offset
        )
    }

    /// A code issued at ``start`` + `offset`, valid 60 s.
    public static func sampleCode(
        _ hash: String,
        client: String = "client-a",
        at offset: TimeInterval = 0
    )
        -> StoredAuthorizationCode
    {
        StoredAuthorizationCode(
            codeHash: hash,
            clientID: client,
            personID: "usr_alice",
            redirectURI: "http://127.0.0.1:53682/callback",
            scope: "mcp:tools mcp:resources",
            resource: "https://mcp.example.com/mcp",
            codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            familyID: "fam-\(hash)",
            authTime: Self.start + offset,
            createdAt: Self.start + offset,
            expiresAt: Self.start + offset + 60
        )
    }

    /// A family created at ``start`` with refresh token hash `current`: idle 1 h, absolute 1 day.
    public static func sampleFamily(
        _ id: String,
        current: String? = "h0",
        client: String = "client-a"
    )
        -> StoredGrantFamily
    {
        StoredGrantFamily(
            id: id,
            clientID: client,
            personID: "usr_alice",
            scope: "mcp:tools",
            resource: "https://mcp.example.com/mcp",
            authTime: Self.start,
            currentTokenHash: current,
            createdAt: Self.start,
            lastUsedAt: Self.start,
            idleExpiresAt: Self.start + 3600,
            absoluteExpiresAt: Self.start + 86400
        )
    }

    // MARK: - People

    static func peopleRoundTrip(_ store: any SignInStore) async throws {
        let alice = Self.samplePerson("usr_alice", username: "alice", at: 2)
        var bob = Self.samplePerson("usr_bob", username: "bob", at: 1)
        bob.isAdmin = true
        bob.credentialVersion = 3
        bob.lastSignInAt = Self.start + 100
        try await store.insertPerson(alice)
        try await store.insertPerson(bob)
        #expect(try await store.person(id: "usr_alice") == alice)
        #expect(try await store.person(username: "bob") == bob)
        #expect(try await store.person(id: "usr_nobody") == nil)
        #expect(try await store.person(username: "nobody") == nil)

        await #expect(throws: ServerStoreError.duplicate) {
            try await store.insertPerson(Self.samplePerson("usr_other", username: "alice"))
        }
        await #expect(throws: ServerStoreError.duplicate) {
            try await store.insertPerson(Self.samplePerson("usr_alice", username: "alice2"))
        }
        // People without a username (upstream ones) never collide on it.
        try await store.insertPerson(Self.samplePerson("oidc_one", username: nil, at: 3))
        try await store.insertPerson(Self.samplePerson("oidc_two", username: nil, at: 4))
        #expect(try await store.listPeople().map(\.id) == ["usr_bob", "usr_alice", "oidc_one", "oidc_two"])
    }

    static func updatePerson(_ store: any SignInStore) async throws {
        try await store.insertPerson(Self.samplePerson("usr_alice", username: "alice"))
        try await store.insertPerson(Self.samplePerson("usr_bob", username: "bob"))
        var changed = Self.samplePerson("usr_alice", username: "alice.smith")
        changed.passwordHash = "$2b$12$new"
        changed.credentialVersion = 2
        changed.updatedAt = Self.start + 50
        try await store.updatePerson(changed)
        #expect(try await store.person(id: "usr_alice") == changed)
        #expect(try await store.person(username: "alice") == nil)
        #expect(try await store.person(username: "alice.smith") == changed)

        var taken = changed
        taken.username = "bob"
        await #expect(throws: ServerStoreError.duplicate) { try await store.updatePerson(taken) }
        #expect(try await store.person(id: "usr_alice") == changed)
        await #expect(throws: ServerStoreError.notFound) {
            try await store.updatePerson(Self.samplePerson("usr_ghost", username: "ghost"))
        }
        #expect(try await store.person(id: "usr_ghost") == nil)
    }

    static func upstreamUpsertKeepsIdentity(_ store: any SignInStore) async throws {
        var first = Self.samplePerson("oidc_carol", username: nil)
        first.passwordHash = nil
        first.upstreamIssuer = "https://idp.example.com"
        first.upstreamSubject = "carol-sub"
        first.lastSignInAt = Self.start
        var inserted = first
        inserted.credentialVersion = Int(Self.start.timeIntervalSince1970)
        #expect(try await store.upsertUpstreamPerson(first) == inserted)

        // The operator signed Carol out (a new credential version); her next sign-in must not undo that. The
        // provider now says she is an admin, which the sign-in records.
        var signedOut = inserted
        signedOut.credentialVersion = inserted.credentialVersion + 7
        try await store.updatePerson(signedOut)
        var again = first
        again.displayName = "Carol C."
        again.email = "carol@new.example.com"
        again.isAdmin = true
        again.credentialVersion = 1
        again.createdAt = Self.start + 500
        again.updatedAt = Self.start + 500
        again.lastSignInAt = Self.start + 500
        let stored = try await store.upsertUpstreamPerson(again)
        var expected = signedOut
        expected.displayName = "Carol C."
        expected.email = "carol@new.example.com"
        expected.isAdmin = true
        expected.updatedAt = Self.start + 500
        expected.lastSignInAt = Self.start + 500
        #expect(stored == expected)
        #expect(try await store.person(id: "oidc_carol") == expected)

        // Taken off the provider's admin list: the next sign-in takes the flag away, whatever was stored.
        var demoted = again
        demoted.isAdmin = false
        demoted.updatedAt = Self.start + 600
        demoted.lastSignInAt = Self.start + 600
        expected.isAdmin = false
        expected.updatedAt = Self.start + 600
        expected.lastSignInAt = Self.start + 600
        #expect(try await store.upsertUpstreamPerson(demoted) == expected)
        #expect(try await store.person(id: "oidc_carol") == expected)
    }

    static func upstreamPersonStartsAtTheirCreationSecond(_ store: any SignInStore) async throws {
        var person = Self.samplePerson("oidc_dana", username: nil, at: 0.75)
        person.passwordHash = nil
        person.credentialVersion = 1
        let first = try await store.upsertUpstreamPerson(person)
        #expect(first.credentialVersion == Int(Self.start.timeIntervalSince1970))
        #expect(try await store.person(id: "oidc_dana")?.credentialVersion == first.credentialVersion)

        // Deleted and signed in again (the same id, from issuer and subject) a second later: a version the old
        // person's sessions and grant families never carried.
        #expect(try await store.deletePerson(id: "oidc_dana"))
        person.createdAt = Self.start + 1.5
        person.updatedAt = Self.start + 1.5
        let second = try await store.upsertUpstreamPerson(person)
        #expect(second.credentialVersion == Int(Self.start.timeIntervalSince1970) + 1)
        #expect(try await store.person(id: "oidc_dana")?.credentialVersion == second.credentialVersion)
    }

    static func deletingAPersonDeletesTheirConsents(_ store: any SignInStore) async throws {
        try await store.insertPerson(Self.samplePerson("usr_alice", username: "alice"))
        try await store.insertPerson(Self.samplePerson("usr_bob", username: "bob"))
        for person in ["usr_alice", "usr_bob"] {
            for client in ["client-a", "client-b"] {
                try await store.saveConsent(
                    StoredConsent(
                        personID: person,
                        clientID: client,
                        scopes: ["mcp:tools"],
                        createdAt: Self.start,
                        updatedAt: Self.start
                    )
                )
            }
        }
        #expect(try await store.deletePerson(id: "usr_alice"))
        #expect(try await !store.deletePerson(id: "usr_alice"))
        #expect(try await store.person(id: "usr_alice") == nil)
        #expect(try await store.person(username: "alice") == nil)
        #expect(try await store.consent(personID: "usr_alice", clientID: "client-a") == nil)
        #expect(try await store.consent(personID: "usr_alice", clientID: "client-b") == nil)
        #expect(try await store.consent(personID: "usr_bob", clientID: "client-a") != nil)
        #expect(try await store.consent(personID: "usr_bob", clientID: "client-b") != nil)
        // The username is free again.
        try await store.insertPerson(Self.samplePerson("usr_alice2", username: "alice"))
    }
}
