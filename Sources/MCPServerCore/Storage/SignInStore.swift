#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What signing people in needs from storage: people, authorization codes, refresh-token grant families,
/// remembered consents, single-use markers and upstream sign-ins in flight.
///
/// Every operation is atomic on its own, so concurrent requests (and other processes on the same database) can
/// never both redeem one code or both rotate one refresh token. Secrets are stored only as hashes; the hashes are
/// digests (hex or base64url), which never contain spaces.
///
/// Times come in as `now:` (or as the record's `createdAt`), never from the clock, so callers and tests decide
/// what "now" is. Backends delete expired records on their own schedule; an expired record reads as gone.
public protocol SignInStore: Sendable {
    // MARK: People

    /// Saves a new person.
    /// - Throws: ``ServerStoreError/duplicate`` when the id, or a non-`nil` username, is taken.
    func insertPerson(_ person: StoredPerson) async throws
    /// The person with `id`, or `nil`.
    func person(id: String) async throws -> StoredPerson?
    /// The person with this (normalized) username, or `nil`.
    func person(username: String) async throws -> StoredPerson?
    /// Replaces a person's record.
    /// - Throws: ``ServerStoreError/notFound`` when there is no person with that id;
    ///   ``ServerStoreError/duplicate`` when the new username is another person's.
    func updatePerson(_ person: StoredPerson) async throws
    /// Saves an upstream person on each sign-in: inserts `person`, or refreshes the person with its id.
    ///
    /// - A new person is stored with ``StoredPerson/credentialVersion`` set to
    ///   ``StoredPerson/initialCredentialVersion(createdAt:)`` of its `createdAt`, whatever `person` says, so a
    ///   person deleted and signed in again (same id) does not revive the old person's sessions and grant families.
    /// - An existing person gets the profile of `person` (display name, email, upstream issuer and subject,
    ///   `updatedAt`, `lastSignInAt`) and its admin flag: the upstream provider decides `isAdmin` on every sign-in,
    ///   so taking someone off the provider's admin list takes effect at their next sign-in. The stored username,
    ///   password hash, credential version and `createdAt` are kept.
    /// - Returns: the person as stored now.
    /// - Throws: ``ServerStoreError/duplicate`` when a new person's username is another person's.
    func upsertUpstreamPerson(_ person: StoredPerson) async throws -> StoredPerson
    /// Removes a person and every consent they gave; `false` when there was none.
    func deletePerson(id: String) async throws -> Bool
    /// Every person, oldest first.
    func listPeople() async throws -> [StoredPerson]

    // MARK: Authorization codes

    /// Saves a new authorization code.
    /// - Throws: ``ServerStoreError/duplicate`` when a code with the same hash exists.
    func insertAuthorizationCode(_ code: StoredAuthorizationCode) async throws
    /// Redeems the code with `hash` for `clientID`, once.
    ///
    /// Another client's code, or one that expired before being redeemed, is ``CodeRedemption/unknown`` and stays
    /// as it was. A code already redeemed is ``CodeRedemption/reused``, for as long as the store keeps it.
    func redeemAuthorizationCode(hash: String, clientID: String, now: Date) async throws -> CodeRedemption

    // MARK: Grant families

    /// Saves a new grant family.
    /// - Throws: ``ServerStoreError/duplicate`` when a family with the same id exists.
    func insertGrantFamily(_ family: StoredGrantFamily) async throws
    /// The family with `id`, or `nil`.
    func grantFamily(id: String) async throws -> StoredGrantFamily?
    /// Revokes a family; `false` when there is none or it was already revoked (its first reason is kept).
    func revokeGrantFamily(id: String, reason: String, now: Date) async throws -> Bool
    /// Rotates the refresh token of family `familyID` from `presentedHash` to `newHash`, in one conditional write.
    ///
    /// - ``RefreshRotation/rotated(_:)`` when `presentedHash` is current, the family is `clientID`'s, not revoked,
    ///   and `now` is before both expiries. The old hash joins the ring of recent hashes, the generation goes up,
    ///   and the idle expiry moves to `now + idleLifetime`, never past the absolute expiry.
    /// - ``RefreshRotation/reused(_:)`` when `presentedHash` is in the family's ring: the family is revoked.
    /// - ``RefreshRotation/refused`` otherwise (unknown secret, family or client; revoked or expired family).
    ///   Nothing changes.
    func rotateRefreshToken(
        familyID: String,
        clientID: String,
        presentedHash: String,
        newHash: String,
        now: Date,
        idleLifetime: Duration
    ) async throws -> RefreshRotation

    // MARK: Consents

    /// Saves what a person allowed a client, replacing the scopes of an earlier consent (its `createdAt` stays).
    func saveConsent(_ consent: StoredConsent) async throws
    /// The person's consent for the client, or `nil`.
    func consent(personID: String, clientID: String) async throws -> StoredConsent?
    /// Forgets a consent; `false` when there was none.
    func deleteConsent(personID: String, clientID: String) async throws -> Bool

    // MARK: Single-use markers

    /// Marks `key` as used until `expiresAt`, atomically: `true` for the one caller that claimed it while it was
    /// unclaimed (or its earlier claim had expired at `now`), `false` for every other.
    ///
    /// What needs "once" across processes and instances uses it: revoked access-token ids
    /// (`revoked-jti:<jti>`, until the token's `exp`), client-assertion ids seen at `/token` (replay), and grant
    /// families whose code was redeemed twice (`revoked-family:<id>`, for a family's absolute lifetime), which the
    /// first exchange checks after storing its family.
    /// Keys may be any text; backends hash keys they cannot store as they are.
    func claimOnce(key: String, expiresAt: Date, now: Date) async throws -> Bool
    /// `true` while `key` is claimed (its claim has not expired at `now`).
    func isClaimed(key: String, now: Date) async throws -> Bool

    // MARK: Upstream sign-ins

    /// Saves an upstream sign-in in flight.
    /// - Throws: ``ServerStoreError/duplicate`` when one with the same state hash exists.
    func insertUpstreamLogin(_ login: StoredUpstreamLogin) async throws
    /// Removes and returns the sign-in with `stateHash`, once; `nil` when unknown, taken or expired.
    func takeUpstreamLogin(stateHash: String, now: Date) async throws -> StoredUpstreamLogin?
}
