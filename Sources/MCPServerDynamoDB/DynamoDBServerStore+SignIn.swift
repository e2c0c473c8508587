public import MCPServerCore
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Consents (`pk = "consents#<personID>", sk = <clientID>`, so a person's consents are one Query) and upstream
/// sign-ins in flight (`pk = "login#<stateHash>", sk = "login"`, taken by one conditional `DeleteItem`).
///
/// A sort key holds at most 1 KiB, so a client id (a CIMD URL) used in a consent must stay under that.
extension DynamoDBServerStore {
    static func consentPartition(_ personID: String) -> String { "consents#\(personID)" }

    // MARK: - Consents

    public func saveConsent(_ consent: StoredConsent) async throws {
        _ = try await self.update(
            pk: Self.consentPartition(consent.personID),
            sk: consent.clientID,
            """
            SET #person_id = :person_id, #client_id = :client_id, #scopes = :scopes, #updated_at = :updated_at, \
            #created_at = if_not_exists(#created_at, :created_at)
            """,
            values: [
                ":person_id": Self.s(consent.personID), ":client_id": Self.s(consent.clientID),
                ":scopes": Self.s(consent.scopes.joined(separator: " ")), ":updated_at": Self.n(consent.updatedAt),
                ":created_at": Self.n(consent.createdAt),
            ]
        )
    }

    public func consent(personID: String, clientID: String) async throws -> StoredConsent? {
        guard let item = try await self.get(pk: Self.consentPartition(personID), sk: clientID) else { return nil }
        guard let scopes = Self.text(item, "scopes"), let created = Self.date(item["created_at"]),
            let updated = Self.date(item["updated_at"])
        else { throw ServerStoreError.corruptRecord("a consent item lacks a field") }
        return StoredConsent(
            personID: personID,
            clientID: clientID,
            scopes: scopes.split(separator: " ").map(String.init),
            createdAt: created,
            updatedAt: updated
        )
    }

    public func deleteConsent(personID: String, clientID: String) async throws -> Bool {
        try await self.delete(pk: Self.consentPartition(personID), sk: clientID)
    }

    // MARK: - Upstream sign-ins

    public func insertUpstreamLogin(_ login: StoredUpstreamLogin) async throws {
        let item: JSONValue = [
            "pk": Self.s("login#\(login.stateHash)"), "sk": Self.s("login"), "state_hash": Self.s(login.stateHash),
            "nonce": Self.s(login.nonce), "code_verifier": Self.s(login.codeVerifier),
            "sealed_request": Self.s(login.sealedRequest), "browser_hash": Self.s(login.browserHash),
            "created_at": Self.n(login.createdAt), "login_expires_at": Self.n(login.expiresAt),
            "expires_at": Self.ttl(login.expiresAt),
        ]
        guard try await self.put(item, condition: "attribute_not_exists(#pk)") else {
            throw ServerStoreError.duplicate
        }
    }

    public func takeUpstreamLogin(stateHash: String, now: Date) async throws -> StoredUpstreamLogin? {
        // Deleted and returned by one request: two callbacks with the same state cannot both get it. An expired
        // one fails the condition and stays until its TTL purges it.
        guard
            let item = try await self.take(
                pk: "login#\(stateHash)",
                sk: "login",
                condition: "#login_expires_at > :now",
                values: [":now": Self.n(now)]
            )
        else { return nil }
        guard let nonce = Self.text(item, "nonce"), let verifier = Self.text(item, "code_verifier"),
            let sealed = Self.text(item, "sealed_request"), let browser = Self.text(item, "browser_hash"),
            let created = Self.date(item["created_at"]), let expires = Self.date(item["login_expires_at"])
        else { throw ServerStoreError.corruptRecord("an upstream sign-in item lacks a field") }
        return StoredUpstreamLogin(
            stateHash: stateHash,
            nonce: nonce,
            codeVerifier: verifier,
            sealedRequest: sealed,
            browserHash: browser,
            createdAt: created,
            expiresAt: expires
        )
    }
}
