public import MCPServerCore
import SQLiteNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteServerStore {
    public func insertPerson(_ person: StoredPerson) async throws {
        _ = try await self.run(
            """
            INSERT INTO people (
                id, username, display_name, email, password_hash, credential_version, is_admin,
                upstream_issuer, upstream_subject, created_at, updated_at, last_sign_in_at
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            Self.binds(person)
        )
    }

    public func person(id: String) async throws -> StoredPerson? {
        try await self.run("SELECT * FROM people WHERE id = ?", [.text(id)]).first.map(Self.person(from:))
    }

    public func person(username: String) async throws -> StoredPerson? {
        try await self.run("SELECT * FROM people WHERE username = ?", [.text(username)]).first.map(Self.person(from:))
    }

    public func updatePerson(_ person: StoredPerson) async throws {
        let rows = try await self.run(
            """
            UPDATE people SET
                username = ?2, display_name = ?3, email = ?4, password_hash = ?5, credential_version = ?6,
                is_admin = ?7, upstream_issuer = ?8, upstream_subject = ?9, created_at = ?10, updated_at = ?11,
                last_sign_in_at = ?12
            WHERE id = ?1 RETURNING id
            """,
            Self.binds(person)
        )
        guard !rows.isEmpty else { throw ServerStoreError.notFound }
    }

    public func upsertUpstreamPerson(_ person: StoredPerson) async throws -> StoredPerson {
        // The inserted values start a new person at their creation time; an existing one keeps their version.
        var new = person
        new.credentialVersion = StoredPerson.initialCredentialVersion(createdAt: person.createdAt)
        let rows = try await self.run(
            """
            INSERT INTO people (
                id, username, display_name, email, password_hash, credential_version, is_admin,
                upstream_issuer, upstream_subject, created_at, updated_at, last_sign_in_at
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                display_name = excluded.display_name,
                email = excluded.email,
                is_admin = excluded.is_admin,
                upstream_issuer = excluded.upstream_issuer,
                upstream_subject = excluded.upstream_subject,
                updated_at = excluded.updated_at,
                last_sign_in_at = excluded.last_sign_in_at
            RETURNING *
            """,
            Self.binds(new)
        )
        guard let row = rows.first else { throw ServerStoreError.unavailable("upsert of person returned no row") }
        return try Self.person(from: row)
    }

    public func deletePerson(id: String) async throws -> Bool {
        // The people_delete_consents trigger removes their consents in the same statement.
        try await !self.run("DELETE FROM people WHERE id = ? RETURNING id", [.text(id)]).isEmpty
    }

    public func listPeople() async throws -> [StoredPerson] {
        try await self.run("SELECT * FROM people ORDER BY created_at, id").map(Self.person(from:))
    }

    /// The columns in the order of `INSERT INTO people (...)`; `?1` is the id.
    private static func binds(_ person: StoredPerson) -> [SQLiteData] {
        [
            .text(person.id), .optionalText(person.username), .optionalText(person.displayName),
            .optionalText(person.email), .optionalText(person.passwordHash), .integer(person.credentialVersion),
            .integer(person.isAdmin ? 1 : 0), .optionalText(person.upstreamIssuer),
            .optionalText(person.upstreamSubject), .date(person.createdAt), .date(person.updatedAt),
            .optionalDate(person.lastSignInAt),
        ]
    }

    private static func person(from row: SQLiteRow) throws -> StoredPerson {
        StoredPerson(
            id: try row.text("id", in: "people"),
            username: row.optionalText("username"),
            displayName: row.optionalText("display_name"),
            email: row.optionalText("email"),
            passwordHash: row.optionalText("password_hash"),
            credentialVersion: try row.integer("credential_version", in: "people"),
            isAdmin: try row.integer("is_admin", in: "people") != 0,
            upstreamIssuer: row.optionalText("upstream_issuer"),
            upstreamSubject: row.optionalText("upstream_subject"),
            createdAt: try row.date("created_at", in: "people"),
            updatedAt: try row.date("updated_at", in: "people"),
            lastSignInAt: row.optionalDate("last_sign_in_at")
        )
    }
}
