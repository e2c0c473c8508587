import Crypto
import JWTKit
import Logging
import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Checks bearer tokens on `/mcp` (RFC 9068 §4, RFC 6750).
///
/// In order: the header (`typ` is `at+jwt`, `alg` is exactly the ring's algorithm, so `none` and
/// HS256-with-the-public-key confusion fail before any crypto), the signature and expiry (jwt-kit), the
/// issuer and the audience (the request's `/mcp` URL), the times (`exp`, `nbf`, `iat`, and a lifetime no longer
/// than this server issues), and then what the store says now: the token was not revoked (`/revoke`), its client
/// still exists (registered clients; one known by its metadata document cannot be deleted), and for a person's
/// token (`sub` the person, `sid` the grant family) the person still exists, the family was not revoked, and the
/// family was made with the person's current credential version (a password change or `users sign-out` since
/// ends it).
///
/// A verified token is remembered by its SHA-256 until it expires, but never longer than one token lifetime and
/// never across a change of the key ring, so a token forged with a key that has since been removed cannot
/// outlive the removal. Repeated requests cost one hash and one dictionary lookup. What the store says is read
/// again at most every ``AuthConfiguration/clientRecheckInterval`` per token, and at once after a deletion or a
/// revocation through this process.
public final class TokenVerifier: Sendable {
    /// Why a token was refused; the text goes into `error_description`.
    public struct Rejection: Error, Hashable, Sendable {
        public let reason: String
    }

    /// What a token's claims say, once its signature and times have been checked.
    private struct VerifiedClaims {
        let clientID: String
        let scopes: Set<String>
        let certificateThumbprint: String?
        let expiresAt: Date
        let tokenID: String
        /// For a person's token: the `sub`.
        let personID: String?
        /// For a person's token: the `sid`.
        let familyID: String?
    }

    private struct CachedToken {
        let claims: VerifiedClaims
        /// As of ``checkedAt``, with the person's profile as the store had it then.
        let authorization: MCPAuthorization
        let expiresAt: Date
        /// The URLs it was verified against: a request answered under other URLs (another Lambda domain)
        /// must check issuer and audience again.
        let urls: ServerURLs
        /// When the store last confirmed the token (not revoked, client, person and family still there).
        let checkedAt: Date
    }

    /// The key ``SignInStore/claimOnce(key:expiresAt:now:)`` records a revoked access token under.
    static func revocationKey(tokenID: String) -> String { "revoked-jti:" + tokenID }

    private let keyRing: KeyRing
    private let store: any ServerStore
    private let recheckInterval: TimeInterval
    /// The longest lifetime a token of this server can have.
    private let tokenLifetime: TimeInterval
    /// Allowed clock difference between the issuing and the verifying instance.
    static let clockSkew: TimeInterval = 60

    /// The tokens, behind one lock, so the common case (a recently checked token) takes it once.
    private struct Caches {
        var tokens: [SHA256Digest: CachedToken] = [:]
        /// The key ring's ``KeyRing/generation`` the tokens were verified under.
        var keyGeneration = 0
    }

    private let caches = NIOLockedValueBox(Caches())
    private static let cacheLimit = 50_000
    /// Told of every client removal this process learns of.
    private let removalObservers = NIOLockedValueBox([@Sendable (String) -> Void]())

    public init(
        keyRing: KeyRing,
        store: any ServerStore,
        tokenLifetime: Duration,
        clientRecheckInterval: Duration
    ) {
        self.keyRing = keyRing
        self.store = store
        self.tokenLifetime = Double(tokenLifetime.components.seconds)
        self.recheckInterval = Double(clientRecheckInterval.components.seconds)
    }

    /// Verifies `token` for the resource and issuer in `urls`, or throws a ``Rejection`` that says why.
    public func verify(_ token: String, urls: ServerURLs, now: Date = Date()) async throws -> MCPAuthorization {
        let key = SHA256.hash(data: Array(token.utf8))
        let recheck = self.recheckInterval
        let generation = self.keyRing.generation
        let cached: CachedToken? = self.caches.withLockedValue { caches in
            if caches.keyGeneration != generation {
                caches.tokens.removeAll()
                caches.keyGeneration = generation
            }
            guard let entry = caches.tokens[key], entry.expiresAt > now, entry.urls == urls else { return nil }
            return entry
        }
        if let cached, now.timeIntervalSince(cached.checkedAt) < recheck { return cached.authorization }
        let claims: VerifiedClaims
        let expiresAt: Date
        if let cached {
            claims = cached.claims
            expiresAt = cached.expiresAt
        } else {
            claims = try await self.verifyUncached(token, urls: urls, now: now)
            expiresAt = min(claims.expiresAt, now.addingTimeInterval(self.tokenLifetime))
        }
        let authorization: MCPAuthorization
        do {
            authorization = try await self.currentAuthorization(claims, now: now)
        } catch {
            // Refused now: nothing to keep (the store is asked again if the token comes back).
            if cached != nil { _ = self.caches.withLockedValue { $0.tokens.removeValue(forKey: key) } }
            throw error
        }
        let entry = CachedToken(
            claims: claims,
            authorization: authorization,
            expiresAt: expiresAt,
            urls: urls,
            checkedAt: now
        )
        self.caches.withLockedValue { caches in
            // Verified under a ring that has changed since: not worth keeping.
            guard caches.keyGeneration == generation else { return }
            if caches.tokens.count >= Self.cacheLimit, caches.tokens[key] == nil {
                caches.tokens = caches.tokens.filter { $0.value.expiresAt > now }
                if caches.tokens.count >= Self.cacheLimit { caches.tokens.removeAll() }
            }
            caches.tokens[key] = entry
        }
        return authorization
    }

    /// Forgets what is known about a client, so its tokens are re-checked against the store at once, and tells the
    /// observers (``whenClientRemoved(_:)``), so what the client holds open ends too.
    public func clientRemoved(_ clientID: String) {
        self.forget { $0.clientID == clientID }
        for observer in self.removalObservers.withLockedValue({ $0 }) { observer(clientID) }
    }

    /// Forgets what is known about a person's tokens (the person was deleted), so they are re-checked at once.
    public func personRemoved(_ personID: String) {
        self.forget { $0.personID == personID }
    }

    /// Forgets the tokens of a revoked grant family, so they are re-checked (and refused) at once.
    func familyRevoked(_ familyID: String) {
        self.forget { $0.familyID == familyID }
    }

    /// Forgets a revoked access token, so it is re-checked (and refused) at once.
    func tokenRevoked(id tokenID: String) {
        self.forget { $0.tokenID == tokenID }
    }

    /// Calls `observer` with the id of every client removed in this process (deleted through `/clients`, or found
    /// gone from the store when one of its tokens is checked).
    public func whenClientRemoved(_ observer: @escaping @Sendable (_ clientID: String) -> Void) {
        self.removalObservers.withLockedValue { $0.append(observer) }
    }

    private func forget(where matches: (VerifiedClaims) -> Bool) {
        self.caches.withLockedValue { caches in
            caches.tokens = caches.tokens.filter { !matches($0.value.claims) }
        }
    }

    /// The claims of an access token this server signed, whatever its expiry and audience: what `/revoke` needs to
    /// tell whose token it is. `nil` for anything else.
    func signedClaims(_ token: String, urls: ServerURLs) async -> AccessTokenClaims? {
        guard let envelope = try? AccessTokenEnvelope.parse(token), envelope.algorithm == self.keyRing.algorithm,
            let claims = try? await self.keyRing.verify(token, kid: envelope.keyID),
            claims.issuer.value == urls.issuer
        else { return nil }
        return claims
    }

    /// The authorization the store allows now: not revoked, the client (when registered), the person and the family
    /// still there. The store reads run at once.
    private func currentAuthorization(_ claims: VerifiedClaims, now: Date) async throws -> MCPAuthorization {
        let store = self.store
        async let revoked = store.isClaimed(key: Self.revocationKey(tokenID: claims.tokenID), now: now)
        // A client known by its metadata document is not stored, and cannot be deleted.
        let registered = !ClientDirectory.isMetadataDocumentURL(claims.clientID)
        async let clientExists = Self.clientExists(registered ? claims.clientID : nil, in: store)
        async let person = Self.person(claims.personID, in: store)
        async let family = Self.family(claims.familyID, in: store)
        guard try await !revoked else { throw Rejection(reason: "the token has been revoked") }
        if try await !clientExists {
            self.clientRemoved(claims.clientID)
            throw Rejection(reason: "the client of this token no longer exists")
        }
        var authorization = MCPAuthorization(
            clientID: claims.clientID,
            scopes: claims.scopes,
            certificateThumbprint: claims.certificateThumbprint,
            expiresAt: claims.expiresAt,
            tokenID: claims.tokenID
        )
        guard let personID = claims.personID, let familyID = claims.familyID else { return authorization }
        guard let stored = try await person else {
            throw Rejection(reason: "the person of this token no longer exists")
        }
        guard let grant = try await family, grant.revokedAt == nil, grant.clientID == claims.clientID,
            grant.personID == personID
        else { throw Rejection(reason: "the sign-in of this token has been revoked") }
        // Another process (the operator CLI) raised the version: the family is over even though nobody revoked it.
        guard grant.credentialVersion == stored.credentialVersion else {
            throw Rejection(reason: "the person's password changed or they were signed out since this sign-in")
        }
        authorization.person = AuthorizedPerson(stored)
        authorization.familyID = familyID
        return authorization
    }

    /// `false` only when `clientID` names no stored client; `true` for `nil` (nothing to check).
    private static func clientExists(_ clientID: String?, in store: any ServerStore) async throws -> Bool {
        guard let clientID else { return true }
        return try await store.client(id: clientID) != nil
    }

    private static func person(_ id: String?, in store: any ServerStore) async throws -> StoredPerson? {
        guard let id else { return nil }
        return try await store.person(id: id)
    }

    private static func family(_ id: String?, in store: any ServerStore) async throws -> StoredGrantFamily? {
        guard let id else { return nil }
        return try await store.grantFamily(id: id)
    }

    private func verifyUncached(_ token: String, urls: ServerURLs, now: Date) async throws -> VerifiedClaims {
        let envelope: AccessTokenEnvelope
        do {
            envelope = try AccessTokenEnvelope.parse(token)
        } catch {
            throw Rejection(reason: error.reason)
        }
        // Exactly the ring's algorithm, so `none` and HS256-with-the-public-key confusion fail before any crypto.
        guard envelope.algorithm == self.keyRing.algorithm else {
            throw Rejection(reason: "unexpected signing algorithm")
        }
        let kid = envelope.keyID
        let claims: AccessTokenClaims
        do {
            claims = try await self.keyRing.verify(token, kid: kid)
        } catch is KeyRingError {
            throw Rejection(reason: "token signed by an unknown key")
        } catch {
            // Claims are not checked inside jwt-kit, so what fails there is the signature or the format.
            throw Rejection(reason: "bad signature or malformed token")
        }
        guard claims.expiration.value > now else { throw Rejection(reason: "token expired") }
        guard claims.issuer.value == urls.issuer else { throw Rejection(reason: "wrong issuer") }
        guard claims.audience.value.contains(urls.resource) else {
            throw Rejection(reason: "token is for another audience")
        }
        guard claims.issuedAt.value <= now.addingTimeInterval(Self.clockSkew) else {
            throw Rejection(reason: "token issued in the future")
        }
        if let notBefore = claims.notBefore, notBefore.value > now.addingTimeInterval(Self.clockSkew) {
            throw Rejection(reason: "token not valid yet")
        }
        // A token that lives longer than this server ever issues was not issued by it as configured.
        guard claims.expiration.value.timeIntervalSince(claims.issuedAt.value) <= self.tokenLifetime + Self.clockSkew
        else {
            throw Rejection(reason: "token lifetime exceeds this server's")
        }
        // A client's own token names the client as its subject; a person's names the person and its grant family.
        let familyID = claims.sessionID
        guard familyID != nil || claims.subject.value == claims.clientID, familyID?.isEmpty != true else {
            throw Rejection(reason: "malformed token")
        }
        return VerifiedClaims(
            clientID: claims.clientID,
            scopes: Set(OAuthScope.parse(claims.scope)),
            certificateThumbprint: claims.confirmation?.certificateThumbprint,
            expiresAt: claims.expiration.value,
            tokenID: claims.id.value,
            personID: familyID == nil ? nil : claims.subject.value,
            familyID: familyID
        )
    }
}
