public import MCPServerCore
import SQLiteNIO

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension SQLiteServerStore {
    // MARK: - Consents

    public func saveConsent(_ consent: StoredConsent) async throws {
        _ = try await self.run(
            """
            INSERT INTO consents (person_id, client_id, scopes, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (person_id, client_id) DO UPDATE SET
                scopes = excluded.scopes, updated_at = excluded.updated_at
            """,
            [
                .text(consent.personID), .text(consent.clientID), .text(consent.scopes.joined(separator: " ")),
                .date(consent.createdAt), .date(consent.updatedAt),
            ]
        )
    }

    public func consent(personID: String, clientID: String) async throws -> StoredConsent? {
        let rows = try await self.run(
            "SELECT * FROM consents WHERE person_id = ? AND client_id = ?",
            [.text(personID), .text(clientID)]
        )
        return try rows.first.map { row in
            StoredConsent(
                personID: try row.text("person_id", in: "consents"),
                clientID: try row.text("client_id", in: "consents"),
                scopes: try row.text("scopes", in: "consents").split(separator: " ").map(String.init),
                createdAt: try row.date("created_at", in: "consents"),
                updatedAt: try row.date("updated_at", in: "consents")
            )
        }
    }

    public func deleteConsent(personID: String, clientID: String) async throws -> Bool {
        try await !self.run(
            "DELETE FROM consents WHERE person_id = ? AND client_id = ? RETURNING person_id",
            [.text(personID), .text(clientID)]
        ).isEmpty
    }

    // MARK: - Upstream sign-ins

    public func insertUpstreamLogin(_ login: StoredUpstreamLogin) async throws {
        _ = try await self.run(
            """
            INSERT INTO upstream_logins (
                state_hash, nonce, code_verifier, sealed_request, browser_hash, created_at, expires_at
            ) VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(login.stateHash), .text(login.nonce), .text(login.codeVerifier), .text(login.sealedRequest),
                .text(login.browserHash), .date(login.createdAt), .date(login.expiresAt),
            ]
        )
        try await self.pruneIfDue(.upstreamLogins, now: login.createdAt)
    }

    public func takeUpstreamLogin(stateHash: String, now: Date) async throws -> StoredUpstreamLogin? {
        // Deleting and returning in one statement: two callbacks with the same state cannot both get it.
        let rows = try await self.run(
            "DELETE FROM upstream_logins WHERE state_hash = ? AND expires_at > ? RETURNING *",
            [.text(stateHash), .date(now)]
        )
        return try rows.first.map { row in
            let table = "upstream_logins"
            return StoredUpstreamLogin(
                stateHash: try row.text("state_hash", in: table),
                nonce: try row.text("nonce", in: table),
                codeVerifier: try row.text("code_verifier", in: table),
                sealedRequest: try row.text("sealed_request", in: table),
                browserHash: try row.text("browser_hash", in: table),
                createdAt: try row.date("created_at", in: table),
                expiresAt: try row.date("expires_at", in: table)
            )
        }
    }
}
