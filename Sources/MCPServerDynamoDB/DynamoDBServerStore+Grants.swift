import MCPServerAWS
public import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Authorization codes (`pk = "code#<hash>", sk = "code"`) and grant families (`pk = "family#<id>",
/// sk = "family"`). Each redemption, rotation and revocation is one conditional `UpdateItem`.
extension DynamoDBServerStore {
    /// How long a code item outlives its expiry (its TTL is `expires_at` = expiry + this), so that a late second
    /// redemption is still reported as reuse.
    static let codeRetention: TimeInterval = 600
    /// How often a rotation that lost a race reads the family again before answering.
    static let rotationAttempts = 8

    // MARK: - Authorization codes

    public func insertAuthorizationCode(_ code: StoredAuthorizationCode) async throws {
        guard try await self.put(Self.item(code), condition: "attribute_not_exists(#pk)") else {
            throw ServerStoreError.duplicate
        }
    }

    public func redeemAuthorizationCode(hash: String, clientID: String, now: Date) async throws -> CodeRedemption {
        let values: [String: JSONValue] = [":client_id": Self.s(clientID), ":now": Self.n(now)]
        if let item = try await self.update(
            pk: "code#\(hash)",
            sk: "code",
            "SET #consumed_at = :now",
            condition:
                "attribute_exists(#pk) AND attribute_not_exists(#consumed_at) AND #client_id = :client_id AND #code_expires_at > :now",
            values: values
        ) {
            return .redeemed(try Self.code(from: item))
        }
        // Not redeemed now: a consistent read tells reuse (redeemed before, same client, still kept) from unknown.
        guard let item = try await self.get(pk: "code#\(hash)", sk: "code"),
            !Self.isExpired(item, now: now), Self.text(item, "client_id") == clientID
        else { return .unknown }
        let code = try Self.code(from: item)
        return code.consumedAt == nil ? .unknown : .reused(code)
    }

    static func item(_ code: StoredAuthorizationCode) -> JSONValue {
        var item: [String: JSONValue] = [
            "pk": Self.s("code#\(code.codeHash)"), "sk": Self.s("code"), "code_hash": Self.s(code.codeHash),
            "client_id": Self.s(code.clientID), "person_id": Self.s(code.personID),
            "redirect_uri": Self.s(code.redirectURI), "scope": Self.s(code.scope), "resource": Self.s(code.resource),
            "code_challenge": Self.s(code.codeChallenge), "family_id": Self.s(code.familyID),
            "auth_time": Self.n(code.authTime), "created_at": Self.n(code.createdAt),
            "code_expires_at": Self.n(code.expiresAt),
            "expires_at": Self.ttl(code.expiresAt + Self.codeRetention),
        ]
        Self.set(&item, "consumed_at", code.consumedAt.map(Self.n))
        return .object(item)
    }

    static func code(from item: JSONValue) throws -> StoredAuthorizationCode {
        guard let hash = Self.text(item, "code_hash"), let client = Self.text(item, "client_id"),
            let person = Self.text(item, "person_id"), let redirect = Self.text(item, "redirect_uri"),
            let scope = Self.text(item, "scope"), let resource = Self.text(item, "resource"),
            let challenge = Self.text(item, "code_challenge"), let family = Self.text(item, "family_id"),
            let authTime = Self.date(item["auth_time"]), let created = Self.date(item["created_at"]),
            let expires = Self.date(item["code_expires_at"])
        else { throw ServerStoreError.corruptRecord("an authorization code item lacks a field") }
        return StoredAuthorizationCode(
            codeHash: hash,
            clientID: client,
            personID: person,
            redirectURI: redirect,
            scope: scope,
            resource: resource,
            codeChallenge: challenge,
            familyID: family,
            authTime: authTime,
            createdAt: created,
            expiresAt: expires,
            consumedAt: Self.date(item["consumed_at"])
        )
    }

    // MARK: - Grant families

    public func insertGrantFamily(_ family: StoredGrantFamily) async throws {
        guard try await self.put(Self.item(family), condition: "attribute_not_exists(#pk)") else {
            throw ServerStoreError.duplicate
        }
    }

    public func grantFamily(id: String) async throws -> StoredGrantFamily? {
        try await self.get(pk: "family#\(id)", sk: "family").map(Self.family(from:))
    }

    public func revokeGrantFamily(id: String, reason: String, now: Date) async throws -> Bool {
        try await self.update(
            pk: "family#\(id)",
            sk: "family",
            "SET #revoked_at = :now, #revocation_reason = :reason",
            condition: "attribute_exists(#pk) AND attribute_not_exists(#revoked_at)",
            values: [":now": Self.n(now), ":reason": Self.s(reason)]
        ) != nil
    }

    public func rotateRefreshToken(
        familyID: String,
        clientID: String,
        presentedHash: String,
        newHash: String,
        now: Date,
        idleLifetime: Duration
    ) async throws -> RefreshRotation {
        guard Self.isDigest(presentedHash), Self.isDigest(newHash) else { return .refused }
        for _ in 0..<Self.rotationAttempts {
            guard let item = try await self.get(pk: "family#\(familyID)", sk: "family") else { return .refused }
            let family = try Self.family(from: item)
            guard family.clientID == clientID else { return .refused }
            if family.currentTokenHash == presentedHash, family.revokedAt == nil, now < family.idleExpiresAt,
                now < family.absoluteExpiresAt
            {
                if let rotated = try await self.rotate(family, to: newHash, now: now, idleLifetime: idleLifetime) {
                    return .rotated(rotated)
                }
                // Another request rotated (or revoked) it first: read again, and this token is now reuse.
                continue
            }
            guard family.recentTokenHashes.contains(presentedHash) else { return .refused }
            return try await self.revokeForReuse(
                familyID: familyID,
                clientID: clientID,
                presentedHash: presentedHash,
                now: now
            )
        }
        throw ServerStoreError.unavailable("family \(familyID) kept changing during the rotation")
    }

    /// The rotation write: it applies only to the family exactly at the generation read, with the presented hash
    /// still current, so of concurrent rotations one wins. The old hash goes into ring slot `generation % 32`.
    private func rotate(
        _ family: StoredGrantFamily,
        to newHash: String,
        now: Date,
        idleLifetime: Duration
    ) async throws -> StoredGrantFamily? {
        guard let presented = family.currentTokenHash else { return nil }
        let lifetime = Double(idleLifetime.components.seconds) + Double(idleLifetime.components.attoseconds) / 1e18
        let idle = min(now + lifetime, family.absoluteExpiresAt)
        let slot = Self.ringSlot(Self.modulo(family.generation, StoredGrantFamily.recentTokenHashLimit))
        let item = try await self.update(
            pk: "family#\(family.id)",
            sk: "family",
            """
            SET #current_hash = :new_hash, #generation = :next, #\(slot) = :presented, #ring_size = :ring_size, \
            #last_used_at = :now, #idle_expires_at = :idle, #expires_at = :ttl
            """,
            condition: """
                #generation = :generation AND #current_hash = :presented AND #client_id = :client_id \
                AND attribute_not_exists(#revoked_at) AND #idle_expires_at > :now AND #absolute_expires_at > :now
                """,
            values: [
                ":new_hash": Self.s(newHash), ":next": Self.n(family.generation + 1), ":presented": Self.s(presented),
                ":ring_size": Self.n(min(family.recentTokenHashes.count + 1, StoredGrantFamily.recentTokenHashLimit)),
                ":now": Self.n(now), ":idle": Self.n(idle), ":ttl": Self.ttl(idle),
                ":generation": Self.n(family.generation), ":client_id": Self.s(family.clientID),
            ]
        )
        return try item.map(Self.family(from:))
    }

    /// The reuse write: revokes the family if `presentedHash` is (still) in its ring, keeping an earlier
    /// revocation's time and reason.
    private func revokeForReuse(
        familyID: String,
        clientID: String,
        presentedHash: String,
        now: Date
    ) async throws -> RefreshRotation {
        let inRing = (0..<StoredGrantFamily.recentTokenHashLimit).map { "#\(Self.ringSlot($0)) = :presented" }
        let item = try await self.update(
            pk: "family#\(familyID)",
            sk: "family",
            """
            SET #revoked_at = if_not_exists(#revoked_at, :now), \
            #revocation_reason = if_not_exists(#revocation_reason, :reason)
            """,
            condition: "#client_id = :client_id AND (\(inRing.joined(separator: " OR ")))",
            values: [
                ":now": Self.n(now), ":reason": Self.s("refresh-token-reuse"), ":client_id": Self.s(clientID),
                ":presented": Self.s(presentedHash),
            ]
        )
        return try item.map { .reused(try Self.family(from: $0)) } ?? .refused
    }

    static func ringSlot(_ index: Int) -> String {
        index < 10 ? "h0\(index)" : "h\(index)"
    }

    static func modulo(_ value: Int, _ divisor: Int) -> Int {
        ((value % divisor) + divisor) % divisor
    }

    static func isDigest(_ hash: String) -> Bool {
        !hash.isEmpty && !hash.contains(" ")
    }

    /// The ring is `ring_size` slots `h00`…`h31`: the hash retired when the generation went from `g` to `g + 1`
    /// is in slot `g % 32`, so the newest is in slot `(generation - 1) % 32` and older ones count down from it.
    static func item(_ family: StoredGrantFamily) -> JSONValue {
        let ring = Array(family.recentTokenHashes.filter(Self.isDigest).prefix(StoredGrantFamily.recentTokenHashLimit))
        var item: [String: JSONValue] = [
            "pk": Self.s("family#\(family.id)"), "sk": Self.s("family"), "family_id": Self.s(family.id),
            "client_id": Self.s(family.clientID), "person_id": Self.s(family.personID),
            "credential_version": Self.n(family.credentialVersion), "scope": Self.s(family.scope),
            "resource": Self.s(family.resource), "auth_time": Self.n(family.authTime),
            "generation": Self.n(family.generation), "ring_size": Self.n(ring.count),
            "created_at": Self.n(family.createdAt), "last_used_at": Self.n(family.lastUsedAt),
            "idle_expires_at": Self.n(family.idleExpiresAt), "absolute_expires_at": Self.n(family.absoluteExpiresAt),
            "expires_at": Self.ttl(min(family.idleExpiresAt, family.absoluteExpiresAt)),
        ]
        for (age, hash) in ring.enumerated() {
            let slot = Self.modulo(family.generation - 1 - age, StoredGrantFamily.recentTokenHashLimit)
            item[Self.ringSlot(slot)] = Self.s(hash)
        }
        Self.set(&item, "current_hash", family.currentTokenHash.map(Self.s))
        Self.set(&item, "revoked_at", family.revokedAt.map(Self.n))
        Self.set(&item, "revocation_reason", family.revocationReason.map(Self.s))
        return .object(item)
    }

    static func family(from item: JSONValue) throws -> StoredGrantFamily {
        guard let id = Self.text(item, "family_id"), let client = Self.text(item, "client_id"),
            let person = Self.text(item, "person_id"), let scope = Self.text(item, "scope"),
            let resource = Self.text(item, "resource"), let authTime = Self.date(item["auth_time"]),
            let generation = Self.integer(item, "generation"), let ringSize = Self.integer(item, "ring_size"),
            let created = Self.date(item["created_at"]), let lastUsed = Self.date(item["last_used_at"]),
            let idle = Self.date(item["idle_expires_at"]), let absolute = Self.date(item["absolute_expires_at"])
        else { throw ServerStoreError.corruptRecord("a grant family item lacks a field") }
        let ring = (0..<min(ringSize, StoredGrantFamily.recentTokenHashLimit)).compactMap { age in
            Self.text(item, Self.ringSlot(Self.modulo(generation - 1 - age, StoredGrantFamily.recentTokenHashLimit)))
        }
        return StoredGrantFamily(
            id: id,
            clientID: client,
            personID: person,
            // Families stored before the attribute existed were made when every person's version was 1.
            credentialVersion: Self.integer(item, "credential_version") ?? 1,
            scope: scope,
            resource: resource,
            authTime: authTime,
            currentTokenHash: Self.text(item, "current_hash"),
            generation: generation,
            recentTokenHashes: ring,
            createdAt: created,
            lastUsedAt: lastUsed,
            idleExpiresAt: idle,
            absoluteExpiresAt: absolute,
            revokedAt: Self.date(item["revoked_at"]),
            revocationReason: Self.text(item, "revocation_reason")
        )
    }
}
