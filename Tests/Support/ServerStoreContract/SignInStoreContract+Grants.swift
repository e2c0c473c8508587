import Foundation
import MCPServerCore
import Testing

extension SignInStoreContract {
    static func refreshRotatesOnceAndReuseRevokes(_ store: any SignInStore) async throws {
        let family = Self.sampleFamily("fam-1")
        try await store.insertGrantFamily(family)
        await #expect(throws: ServerStoreError.duplicate) { try await store.insertGrantFamily(family) }
        #expect(try await store.grantFamily(id: "fam-1") == family)
        #expect(try await store.grantFamily(id: "fam-none") == nil)

        var rotated = family
        rotated.currentTokenHash = "h1"
        rotated.generation = 1
        rotated.recentTokenHashes = ["h0"]
        rotated.lastUsedAt = Self.start + 100
        rotated.idleExpiresAt = Self.start + 100 + 3600
        #expect(try await Self.rotate(store, "fam-1", from: "h0", to: "h1", at: 100) == .rotated(rotated))
        #expect(try await store.grantFamily(id: "fam-1") == rotated)

        // The old token again: stolen or replayed. The family is revoked and the current token dies with it.
        var revoked = rotated
        revoked.revokedAt = Self.start + 200
        revoked.revocationReason = "refresh-token-reuse"
        #expect(try await Self.rotate(store, "fam-1", from: "h0", to: "h2", at: 200) == .reused(revoked))
        #expect(try await store.grantFamily(id: "fam-1") == revoked)
        #expect(try await Self.rotate(store, "fam-1", from: "h1", to: "h3", at: 300) == .refused)
        // Reuse keeps reporting reuse; the first revocation's time and reason stay.
        #expect(try await Self.rotate(store, "fam-1", from: "h0", to: "h4", at: 400) == .reused(revoked))
        #expect(try await store.grantFamily(id: "fam-1") == revoked)
    }

    static func familyKeepsItsCredentialVersion(_ store: any SignInStore) async throws {
        var family = Self.sampleFamily("fam-1")
        family.credentialVersion = 1_800_000_042
        try await store.insertGrantFamily(family)
        #expect(try await store.grantFamily(id: "fam-1") == family)
        guard case .rotated(let rotated) = try await Self.rotate(store, "fam-1", from: "h0", to: "h1", at: 10) else {
            Issue.record("the rotation was refused")
            return
        }
        #expect(rotated.credentialVersion == 1_800_000_042)
        guard case .reused(let reused) = try await Self.rotate(store, "fam-1", from: "h0", to: "h2", at: 20) else {
            Issue.record("the reuse was not reported")
            return
        }
        #expect(reused.credentialVersion == 1_800_000_042)

        var other = Self.sampleFamily("fam-2")
        other.credentialVersion = 3
        try await store.insertGrantFamily(other)
        #expect(try await store.revokeGrantFamily(id: "fam-2", reason: "credentials-changed", now: Self.start + 5))
        #expect(try await store.grantFamily(id: "fam-2")?.credentialVersion == 3)
        // A family made without naming a version has the version people had before versions were times.
        #expect(Self.sampleFamily("fam-3").credentialVersion == 1)
    }

    static func unknownSecretIsRefusedWithoutRevoking(_ store: any SignInStore) async throws {
        let family = Self.sampleFamily("fam-1")
        try await store.insertGrantFamily(family)
        #expect(try await Self.rotate(store, "fam-1", from: "h0", to: "h1", at: 10) != .refused)
        let afterRotation = try #require(try await store.grantFamily(id: "fam-1"))

        // Guesses: an unknown secret, the right secrets under another client, another family's id, non-digests.
        #expect(try await Self.rotate(store, "fam-1", from: "guess", to: "x1", at: 20) == .refused)
        #expect(try await Self.rotate(store, "fam-1", from: "h1", to: "x2", at: 20, client: "client-b") == .refused)
        #expect(try await Self.rotate(store, "fam-1", from: "h0", to: "x3", at: 20, client: "client-b") == .refused)
        #expect(try await Self.rotate(store, "fam-2", from: "h1", to: "x4", at: 20) == .refused)
        #expect(try await Self.rotate(store, "fam-1", from: "", to: "x5", at: 20) == .refused)
        #expect(try await Self.rotate(store, "fam-1", from: "h0 h1", to: "x6", at: 20) == .refused)
        #expect(try await store.grantFamily(id: "fam-1") == afterRotation)

        // The rightful holder carries on.
        guard case .rotated(let family2) = try await Self.rotate(store, "fam-1", from: "h1", to: "h2", at: 30) else {
            Issue.record("a guess disturbed the family")
            return
        }
        #expect(family2.recentTokenHashes == ["h1", "h0"])
        #expect(family2.generation == 2)
    }

    static func revokedAndExpiredFamiliesRefuse(_ store: any SignInStore) async throws {
        // Revoked.
        try await store.insertGrantFamily(Self.sampleFamily("revoked"))
        #expect(try await store.revokeGrantFamily(id: "revoked", reason: "code-reuse", now: Self.start + 5))
        #expect(try await !store.revokeGrantFamily(id: "revoked", reason: "again", now: Self.start + 6))
        #expect(try await !store.revokeGrantFamily(id: "missing", reason: "again", now: Self.start + 6))
        let revoked = try #require(try await store.grantFamily(id: "revoked"))
        #expect(revoked.revokedAt == Self.start + 5 && revoked.revocationReason == "code-reuse")
        #expect(try await Self.rotate(store, "revoked", from: "h0", to: "h1", at: 10) == .refused)
        #expect(try await store.grantFamily(id: "revoked") == revoked)

        // Idle: unused for its idle lifetime (1 h), from its expiry on.
        try await store.insertGrantFamily(Self.sampleFamily("idle"))
        #expect(try await Self.rotate(store, "idle", from: "h0", to: "h1", at: 3600) == .refused)
        #expect(try await store.grantFamily(id: "idle") == Self.sampleFamily("idle"))
        #expect(try await Self.rotate(store, "idle", from: "h0", to: "h1", at: 3599) != .refused)

        // Absolute: rotations keep the family alive, but never past its absolute expiry.
        var short = Self.sampleFamily("absolute")
        short.absoluteExpiresAt = Self.start + 10_000
        try await store.insertGrantFamily(short)
        let expectedIdle: [(from: String, to: String, at: TimeInterval, idle: TimeInterval)] = [
            ("h0", "h1", 3500, 7100),
            ("h1", "h2", 7000, 10_000),
            ("h2", "h3", 9999, 10_000),
        ]
        for step in expectedIdle {
            guard
                case .rotated(let family) = try await Self.rotate(
                    store,
                    "absolute",
                    from: step.from,
                    to: step.to,
                    at: step.at
                )
            else {
                Issue.record("rotation to \(step.to) was refused")
                return
            }
            #expect(family.idleExpiresAt == Self.start + step.idle)
        }
        #expect(try await Self.rotate(store, "absolute", from: "h3", to: "h4", at: 10_000) == .refused)

        // Absolute expiry wins even over an idle expiry that was stored later than it.
        var inverted = Self.sampleFamily("inverted")
        inverted.idleExpiresAt = Self.start + 7200
        inverted.absoluteExpiresAt = Self.start + 600
        try await store.insertGrantFamily(inverted)
        #expect(try await Self.rotate(store, "inverted", from: "h0", to: "h1", at: 600) == .refused)

        // A family without a refresh token has nothing to rotate.
        try await store.insertGrantFamily(Self.sampleFamily("no-refresh", current: nil))
        #expect(try await Self.rotate(store, "no-refresh", from: "h0", to: "h1", at: 10) == .refused)
    }

    static func ringKeepsTheMostRecentHashes(_ store: any SignInStore) async throws {
        // Hashes of one fixed width, as SHA-256 digests are.
        func hash(_ index: Int) -> String { "h" + String(format: "%043d", index) }
        try await store.insertGrantFamily(Self.sampleFamily("fam-1", current: hash(0)))
        for index in 1...40 {
            let outcome = try await Self.rotate(store, "fam-1", from: hash(index - 1), to: hash(index), at: 1)
            guard case .rotated = outcome else {
                Issue.record("rotation \(index): \(outcome)")
                return
            }
        }
        let family = try #require(try await store.grantFamily(id: "fam-1"))
        #expect(family.generation == 40)
        #expect(family.currentTokenHash == hash(40))
        #expect(family.recentTokenHashes == (8...39).reversed().map(hash))

        // Older than the ring: unknown, so refused without revoking.
        #expect(try await Self.rotate(store, "fam-1", from: hash(7), to: "x", at: 2) == .refused)
        #expect(try await store.grantFamily(id: "fam-1") == family)
        // The oldest one the ring still holds is reuse.
        guard case .reused = try await Self.rotate(store, "fam-1", from: hash(8), to: "y", at: 3) else {
            Issue.record("the oldest hash in the ring was not reported as reuse")
            return
        }
    }

    static func concurrentRotationsOneWins(_ store: any SignInStore) async throws {
        try await store.insertGrantFamily(Self.sampleFamily("fam-1"))
        let outcomes = try await withThrowingTaskGroup(of: RefreshRotation.self) { group in
            for attempt in 0..<24 {
                group.addTask {
                    try await Self.rotate(store, "fam-1", from: "h0", to: "new-\(attempt)", at: 10)
                }
            }
            return try await group.reduce(into: [RefreshRotation]()) { $0.append($1) }
        }
        let winners = outcomes.compactMap {
            if case .rotated(let family) = $0 { family } else { nil }
        }
        #expect(winners.count == 1)
        // Every other request presented a token that was no longer current: reuse, which revokes the family.
        #expect(
            outcomes.allSatisfy {
                switch $0 {
                case .rotated, .reused: true
                case .refused: false
                }
            }
        )
        let family = try #require(try await store.grantFamily(id: "fam-1"))
        #expect(family.generation == 1)
        #expect(family.currentTokenHash == winners.first?.currentTokenHash)
        #expect(family.revokedAt == Self.start + 10)
    }

    static func rotate(
        _ store: any SignInStore,
        _ familyID: String,
        from presented: String,
        to new: String,
        at offset: TimeInterval,
        client: String = "client-a"
    ) async throws -> RefreshRotation {
        try await store.rotateRefreshToken(
            familyID: familyID,
            clientID: client,
            presentedHash: presented,
            newHash: new,
            now: Self.start + offset,
            idleLifetime: .seconds(3600)
        )
    }
}
