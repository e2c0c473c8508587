public import MCPServerCore
import SQLiteNIO

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

// Each operation is one statement: the store shares one connection between tasks, so a transaction spanning
// several awaits would interleave with other tasks' statements.
extension SQLiteServerStore {
    // MARK: - Authorization codes

    public func insertAuthorizationCode(_ code: StoredAuthorizationCode) async throws {
        _ = try await self.run(
            """
            INSERT INTO authorization_codes (
                code_hash, client_id, person_id, redirect_uri, scope, resource, code_challenge, family_id,
                auth_time, created_at, expires_at, consumed_at
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(code.codeHash), .text(code.clientID), .text(code.personID), .text(code.redirectURI),
                .text(code.scope), .text(code.resource), .text(code.codeChallenge), .text(code.familyID),
                .date(code.authTime), .date(code.createdAt), .date(code.expiresAt), .optionalDate(code.consumedAt),
            ]
        )
        try await self.pruneIfDue(.authorizationCodes, now: code.createdAt)
    }

    public func redeemAuthorizationCode(hash: String, clientID: String, now: Date) async throws -> CodeRedemption {
        // Counting redemptions in the same write tells the first (1) from reuse (more) without a second read.
        let rows = try await self.run(
            """
            UPDATE authorization_codes
            SET consumed_at = coalesce(consumed_at, ?3), redemptions = redemptions + 1
            WHERE code_hash = ?1 AND client_id = ?2 AND (consumed_at IS NOT NULL OR ?3 < expires_at)
            RETURNING *
            """,
            [.text(hash), .text(clientID), .date(now)]
        )
        guard let row = rows.first else { return .unknown }
        let code = try Self.authorizationCode(from: row)
        return try row.integer("redemptions", in: "authorization_codes") == 1 ? .redeemed(code) : .reused(code)
    }

    private static func authorizationCode(from row: SQLiteRow) throws -> StoredAuthorizationCode {
        let table = "authorization_codes"
        return StoredAuthorizationCode(
            codeHash: try row.text("code_hash", in: table),
            clientID: try row.text("client_id", in: table),
            personID: try row.text("person_id", in: table),
            redirectURI: try row.text("redirect_uri", in: table),
            scope: try row.text("scope", in: table),
            resource: try row.text("resource", in: table),
            codeChallenge: try row.text("code_challenge", in: table),
            familyID: try row.text("family_id", in: table),
            authTime: try row.date("auth_time", in: table),
            createdAt: try row.date("created_at", in: table),
            expiresAt: try row.date("expires_at", in: table),
            consumedAt: row.optionalDate("consumed_at")
        )
    }

    // MARK: - Grant families

    public func insertGrantFamily(_ family: StoredGrantFamily) async throws {
        _ = try await self.run(
            """
            INSERT INTO grant_families (
                id, client_id, person_id, scope, resource, auth_time, current_hash, generation, recent_hashes,
                created_at, last_used_at, idle_expires_at, absolute_expires_at, revoked_at, revocation_reason,
                credential_version
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(family.id), .text(family.clientID), .text(family.personID), .text(family.scope),
                .text(family.resource), .date(family.authTime), .optionalText(family.currentTokenHash),
                .integer(family.generation), .text(Self.ring(family.recentTokenHashes)), .date(family.createdAt),
                .date(family.lastUsedAt), .date(family.idleExpiresAt), .date(family.absoluteExpiresAt),
                .optionalDate(family.revokedAt), .optionalText(family.revocationReason),
                .integer(family.credentialVersion),
            ]
        )
        try await self.pruneIfDue(.grantFamilies, now: family.createdAt)
    }

    public func grantFamily(id: String) async throws -> StoredGrantFamily? {
        try await self.run("SELECT * FROM grant_families WHERE id = ?", [.text(id)]).first.map(Self.grantFamily(from:))
    }

    public func revokeGrantFamily(id: String, reason: String, now: Date) async throws -> Bool {
        try await !self.run(
            "UPDATE grant_families SET revoked_at = ?, revocation_reason = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
            [.date(now), .text(reason), .text(id)]
        ).isEmpty
    }

    public func rotateRefreshToken(
        familyID: String,
        clientID: String,
        presentedHash: String,
        newHash: String,
        now: Date,
        idleLifetime: Duration
    ) async throws -> RefreshRotation {
        // A hash with a space could match across two ring entries; digests never have one.
        guard Self.isDigest(presentedHash), Self.isDigest(newHash) else { return .refused }
        // One conditional write decides everything. `current` rotates; a hash in the ring revokes; anything else
        // matches no row and changes nothing. SQLite evaluates every SET expression on the row as it was.
        let current = "(current_hash = ?3 AND revoked_at IS NULL AND ?5 < idle_expires_at AND ?5 < absolute_expires_at)"
        let rows = try await self.run(
            """
            UPDATE grant_families SET
                current_hash = CASE WHEN \(current) THEN ?4 ELSE current_hash END,
                generation = CASE WHEN \(current) THEN generation + 1 ELSE generation END,
                recent_hashes = CASE WHEN \(current)
                    THEN substr(current_hash || ' ' || recent_hashes, 1, ?7 * (length(current_hash) + 1))
                    ELSE recent_hashes END,
                last_used_at = CASE WHEN \(current) THEN ?5 ELSE last_used_at END,
                idle_expires_at = CASE WHEN \(current) THEN min(?5 + ?6, absolute_expires_at) ELSE idle_expires_at END,
                revoked_at = CASE WHEN \(current) THEN NULL ELSE coalesce(revoked_at, ?5) END,
                revocation_reason = CASE WHEN \(current)
                    THEN NULL ELSE coalesce(revocation_reason, 'refresh-token-reuse') END
            WHERE id = ?1 AND client_id = ?2
                AND (\(current) OR instr(' ' || recent_hashes, ' ' || ?3 || ' ') > 0)
            RETURNING *
            """,
            [
                .text(familyID), .text(clientID), .text(presentedHash), .text(newHash), .date(now),
                .float(Self.seconds(idleLifetime)), .integer(StoredGrantFamily.recentTokenHashLimit),
            ]
        )
        guard let row = rows.first else { return .refused }
        let family = try Self.grantFamily(from: row)
        // Rotation needs an unrevoked family and leaves it so; the reuse branch always leaves it revoked.
        return family.revokedAt == nil ? .rotated(family) : .reused(family)
    }

    private static func grantFamily(from row: SQLiteRow) throws -> StoredGrantFamily {
        let table = "grant_families"
        return StoredGrantFamily(
            id: try row.text("id", in: table),
            clientID: try row.text("client_id", in: table),
            personID: try row.text("person_id", in: table),
            credentialVersion: try row.integer("credential_version", in: table),
            scope: try row.text("scope", in: table),
            resource: try row.text("resource", in: table),
            authTime: try row.date("auth_time", in: table),
            currentTokenHash: row.optionalText("current_hash"),
            generation: try row.integer("generation", in: table),
            recentTokenHashes: Self.ringEntries(try row.text("recent_hashes", in: table)),
            createdAt: try row.date("created_at", in: table),
            lastUsedAt: try row.date("last_used_at", in: table),
            idleExpiresAt: try row.date("idle_expires_at", in: table),
            absoluteExpiresAt: try row.date("absolute_expires_at", in: table),
            revokedAt: row.optionalDate("revoked_at"),
            revocationReason: row.optionalText("revocation_reason")
        )
    }

    /// The ring as stored: each hash followed by a space, newest first, at most the limit.
    private static func ring(_ hashes: [String]) -> String {
        hashes.prefix(StoredGrantFamily.recentTokenHashLimit).filter(Self.isDigest).map { $0 + " " }.joined()
    }

    /// The ring's whole entries; a cut one at the end (hashes of mixed lengths) has no space after it and is dropped.
    private static func ringEntries(_ ring: String) -> [String] {
        ring.split(separator: " ", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private static func isDigest(_ hash: String) -> Bool {
        !hash.isEmpty && !hash.contains(" ")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
