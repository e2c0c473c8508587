#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension InMemoryServerStore {
    // MARK: People

    public func insertPerson(_ person: StoredPerson) throws {
        try self.signIn.insertPerson(person)
    }

    public func person(id: String) -> StoredPerson? {
        self.signIn.people[id]
    }

    public func person(username: String) -> StoredPerson? {
        self.signIn.people.values.first { $0.username == username }
    }

    public func updatePerson(_ person: StoredPerson) throws {
        guard self.signIn.people[person.id] != nil else { throw ServerStoreError.notFound }
        guard !self.signIn.isTaken(person.username, byAnotherThan: person.id) else { throw ServerStoreError.duplicate }
        self.signIn.people[person.id] = person
    }

    public func upsertUpstreamPerson(_ person: StoredPerson) throws -> StoredPerson {
        guard var stored = self.signIn.people[person.id] else {
            var new = person
            new.credentialVersion = StoredPerson.initialCredentialVersion(createdAt: person.createdAt)
            try self.signIn.insertPerson(new)
            return new
        }
        stored.displayName = person.displayName
        stored.email = person.email
        stored.isAdmin = person.isAdmin
        stored.upstreamIssuer = person.upstreamIssuer
        stored.upstreamSubject = person.upstreamSubject
        stored.updatedAt = person.updatedAt
        stored.lastSignInAt = person.lastSignInAt
        self.signIn.people[person.id] = stored
        return stored
    }

    public func deletePerson(id: String) -> Bool {
        guard self.signIn.people.removeValue(forKey: id) != nil else { return false }
        self.signIn.consents = self.signIn.consents.filter { $0.key.personID != id }
        return true
    }

    public func listPeople() -> [StoredPerson] {
        self.signIn.people.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    // MARK: Authorization codes

    public func insertAuthorizationCode(_ code: StoredAuthorizationCode) throws {
        self.signIn.forgetExpired(now: code.createdAt)
        guard self.signIn.codes[code.codeHash] == nil else { throw ServerStoreError.duplicate }
        self.signIn.codes[code.codeHash] = code
    }

    public func redeemAuthorizationCode(hash: String, clientID: String, now: Date) -> CodeRedemption {
        // Kept `codeRetention` past its expiry, as SQLite keeps the row until it is pruned, so late reuse shows.
        guard var code = self.signIn.codes[hash], code.clientID == clientID,
            now < code.expiresAt + InMemorySignInTables.codeRetention
        else { return .unknown }
        if code.consumedAt != nil { return .reused(code) }
        guard now < code.expiresAt else { return .unknown }
        code.consumedAt = now
        self.signIn.codes[hash] = code
        return .redeemed(code)
    }

    // MARK: Grant families

    public func insertGrantFamily(_ family: StoredGrantFamily) throws {
        self.signIn.forgetExpired(now: family.createdAt)
        guard self.signIn.families[family.id] == nil else { throw ServerStoreError.duplicate }
        var family = family
        family.recentTokenHashes = Array(
            family.recentTokenHashes.filter(InMemorySignInTables.isDigest).prefix(
                StoredGrantFamily.recentTokenHashLimit
            )
        )
        self.signIn.families[family.id] = family
    }

    public func grantFamily(id: String) -> StoredGrantFamily? {
        self.signIn.families[id]
    }

    public func revokeGrantFamily(id: String, reason: String, now: Date) -> Bool {
        guard var family = self.signIn.families[id], family.revokedAt == nil else { return false }
        family.revokedAt = now
        family.revocationReason = reason
        self.signIn.families[id] = family
        return true
    }

    public func rotateRefreshToken(
        familyID: String,
        clientID: String,
        presentedHash: String,
        newHash: String,
        now: Date,
        idleLifetime: Duration
    ) -> RefreshRotation {
        guard InMemorySignInTables.isDigest(presentedHash), InMemorySignInTables.isDigest(newHash),
            var family = self.signIn.families[familyID], family.clientID == clientID
        else { return .refused }
        if let current = family.currentTokenHash, current == presentedHash, family.revokedAt == nil,
            now < family.idleExpiresAt, now < family.absoluteExpiresAt
        {
            family.recentTokenHashes = Array(
                ([current] + family.recentTokenHashes).prefix(StoredGrantFamily.recentTokenHashLimit)
            )
            family.currentTokenHash = newHash
            family.generation += 1
            family.lastUsedAt = now
            let lifetime = Double(idleLifetime.components.seconds) + Double(idleLifetime.components.attoseconds) / 1e18
            family.idleExpiresAt = min(now + lifetime, family.absoluteExpiresAt)
            self.signIn.families[familyID] = family
            return .rotated(family)
        }
        guard family.recentTokenHashes.contains(presentedHash) else { return .refused }
        // An earlier token of this family: stolen or replayed. The first revocation's time and reason stay.
        family.revokedAt = family.revokedAt ?? now
        family.revocationReason = family.revocationReason ?? "refresh-token-reuse"
        self.signIn.families[familyID] = family
        return .reused(family)
    }

    // MARK: Consents

    public func saveConsent(_ consent: StoredConsent) {
        let key = InMemorySignInTables.ConsentKey(personID: consent.personID, clientID: consent.clientID)
        var saved = consent
        if let earlier = self.signIn.consents[key] { saved.createdAt = earlier.createdAt }
        self.signIn.consents[key] = saved
    }

    public func consent(personID: String, clientID: String) -> StoredConsent? {
        self.signIn.consents[InMemorySignInTables.ConsentKey(personID: personID, clientID: clientID)]
    }

    public func deleteConsent(personID: String, clientID: String) -> Bool {
        let key = InMemorySignInTables.ConsentKey(personID: personID, clientID: clientID)
        return self.signIn.consents.removeValue(forKey: key) != nil
    }

    // MARK: Single-use markers

    public func claimOnce(key: String, expiresAt: Date, now: Date) -> Bool {
        self.signIn.forgetExpired(now: now)
        if let held = self.signIn.claims[key], now < held { return false }
        self.signIn.claims[key] = expiresAt
        return true
    }

    public func isClaimed(key: String, now: Date) -> Bool {
        self.signIn.claims[key].map { now < $0 } ?? false
    }

    // MARK: Upstream sign-ins

    public func insertUpstreamLogin(_ login: StoredUpstreamLogin) throws {
        self.signIn.forgetExpired(now: login.createdAt)
        guard self.signIn.logins[login.stateHash] == nil else { throw ServerStoreError.duplicate }
        self.signIn.logins[login.stateHash] = login
    }

    public func takeUpstreamLogin(stateHash: String, now: Date) -> StoredUpstreamLogin? {
        guard let login = self.signIn.logins[stateHash], now < login.expiresAt else { return nil }
        self.signIn.logins[stateHash] = nil
        return login
    }
}

/// The sign-in records of an ``InMemoryServerStore``; only the actor touches them.
struct InMemorySignInTables: Sendable {
    struct ConsentKey: Hashable, Sendable {
        var personID: String
        var clientID: String
    }

    /// How long a code outlives its expiry, so that a late second redemption is still reported as reuse.
    static let codeRetention: TimeInterval = 600
    /// Expired records are forgotten only once a table holds more than this many.
    static let forgetThreshold = 10_000

    var people: [String: StoredPerson] = [:]
    var codes: [String: StoredAuthorizationCode] = [:]
    var families: [String: StoredGrantFamily] = [:]
    var consents: [ConsentKey: StoredConsent] = [:]
    var logins: [String: StoredUpstreamLogin] = [:]
    /// Single-use markers: key → when the claim ends.
    var claims: [String: Date] = [:]

    static func isDigest(_ hash: String) -> Bool {
        !hash.isEmpty && !hash.contains(" ")
    }

    func isTaken(_ username: String?, byAnotherThan id: String) -> Bool {
        guard let username else { return false }
        return self.people.values.contains { $0.username == username && $0.id != id }
    }

    mutating func insertPerson(_ person: StoredPerson) throws {
        guard self.people[person.id] == nil, !self.isTaken(person.username, byAnotherThan: person.id) else {
            throw ServerStoreError.duplicate
        }
        self.people[person.id] = person
    }

    /// Drops records that can no longer be used, when a table has grown large (tests rarely get there).
    mutating func forgetExpired(now: Date) {
        if self.codes.count > Self.forgetThreshold {
            self.codes = self.codes.filter { now < $0.value.expiresAt + Self.codeRetention }
        }
        if self.families.count > Self.forgetThreshold {
            self.families = self.families.filter { now < $0.value.idleExpiresAt }
        }
        if self.logins.count > Self.forgetThreshold {
            self.logins = self.logins.filter { now < $0.value.expiresAt }
        }
        if self.claims.count > Self.forgetThreshold {
            self.claims = self.claims.filter { now < $0.value }
        }
    }
}
