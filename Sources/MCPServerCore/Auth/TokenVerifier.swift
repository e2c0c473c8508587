import Crypto
public import Foundation
import JWTKit
import Logging
import MCPWire
import NIOConcurrencyHelpers

/// Checks bearer tokens on `/mcp` (RFC 9068 §4, RFC 6750).
///
/// In order: the header (`typ` is `at+jwt`, `alg` is exactly the ring's algorithm, so `none` and
/// HS256-with-the-public-key confusion fail before any crypto), the signature and expiry (jwt-kit), the
/// issuer and the audience (the request's `/mcp` URL), the times (`exp`, `nbf`, `iat`, and a lifetime no longer
/// than this server issues), and that the client still exists.
///
/// A verified token is remembered by its SHA-256 until it expires, but never longer than one token lifetime and
/// never across a change of the key ring, so a token forged with a key that has since been removed cannot
/// outlive the removal. Repeated requests cost one hash and one dictionary lookup. Client existence is re-read from the store at most every
/// ``AuthConfiguration/clientRecheckInterval``, and at once after a deletion through this process.
public final class TokenVerifier: Sendable {
    /// Why a token was refused; the text goes into `error_description`.
    public struct Rejection: Error, Hashable, Sendable {
        public let reason: String
    }

    private struct CachedToken {
        let authorization: MCPAuthorization
        let expiresAt: Date
        /// The URLs it was verified against: a request answered under other URLs (another Lambda domain)
        /// must check issuer and audience again.
        let urls: ServerURLs
    }

    private let keyRing: KeyRing
    private let store: any ServerStore
    private let clientRecheckInterval: TimeInterval
    /// The longest lifetime a token of this server can have.
    private let tokenLifetime: TimeInterval
    /// Allowed clock difference between the issuing and the verifying instance.
    static let clockSkew: TimeInterval = 60
    /// Both caches behind one lock, so the common case (a known token of a recently checked client) takes
    /// it once.
    private struct Caches {
        var tokens: [SHA256Digest: CachedToken] = [:]
        var clientsCheckedAt: [String: Date] = [:]
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
        self.clientRecheckInterval = Double(clientRecheckInterval.components.seconds)
    }

    /// Verifies `token` for the resource and issuer in `urls`, or throws a ``Rejection`` that says why.
    public func verify(_ token: String, urls: ServerURLs, now: Date = Date()) async throws -> MCPAuthorization {
        let key = SHA256.hash(data: Array(token.utf8))
        let recheck = self.clientRecheckInterval
        let generation = self.keyRing.generation
        let (cached, clientFresh): (MCPAuthorization?, Bool) = self.caches.withLockedValue { caches in
            if caches.keyGeneration != generation {
                caches.tokens.removeAll()
                caches.keyGeneration = generation
            }
            guard let entry = caches.tokens[key], entry.expiresAt > now, entry.urls == urls else { return (nil, false) }
            let checked = caches.clientsCheckedAt[entry.authorization.clientID]
            return (entry.authorization, checked.map { now.timeIntervalSince($0) < recheck } ?? false)
        }
        if let cached, clientFresh { return cached }
        let authorization: MCPAuthorization
        if let cached {
            authorization = cached
        } else {
            let (verified, expiresAt) = try await self.verifyUncached(token, urls: urls, now: now)
            authorization = verified
            let entry = CachedToken(
                authorization: verified,
                expiresAt: min(expiresAt, now.addingTimeInterval(self.tokenLifetime)),
                urls: urls
            )
            self.caches.withLockedValue { caches in
                // Verified under a ring that has changed since: not worth keeping.
                guard caches.keyGeneration == generation else { return }
                if caches.tokens.count >= Self.cacheLimit {
                    caches.tokens = caches.tokens.filter { $0.value.expiresAt > now }
                    if caches.tokens.count >= Self.cacheLimit { caches.tokens.removeAll() }
                }
                caches.tokens[key] = entry
            }
        }
        try await self.checkClientExists(authorization.clientID, now: now)
        return authorization
    }

    /// Forgets what is known about a client, so its tokens are re-checked against the store at once, and tells the
    /// observers (``whenClientRemoved(_:)``), so what the client holds open ends too.
    public func clientRemoved(_ clientID: String) {
        self.caches.withLockedValue { caches in
            caches.clientsCheckedAt[clientID] = nil
            caches.tokens = caches.tokens.filter { $0.value.authorization.clientID != clientID }
        }
        for observer in self.removalObservers.withLockedValue({ $0 }) { observer(clientID) }
    }

    /// Calls `observer` with the id of every client removed in this process (deleted through `/clients`, or found
    /// gone from the store when one of its tokens is checked).
    public func whenClientRemoved(_ observer: @escaping @Sendable (_ clientID: String) -> Void) {
        self.removalObservers.withLockedValue { $0.append(observer) }
    }

    private func checkClientExists(_ clientID: String, now: Date) async throws {
        guard try await self.store.client(id: clientID) != nil else {
            self.clientRemoved(clientID)
            throw Rejection(reason: "the client of this token no longer exists")
        }
        self.caches.withLockedValue { $0.clientsCheckedAt[clientID] = now }
    }

    private func verifyUncached(
        _ token: String,
        urls: ServerURLs,
        now: Date
    ) async throws -> (MCPAuthorization, Date) {
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
        guard claims.subject.value == claims.clientID else { throw Rejection(reason: "malformed token") }
        let scopes = Set(OAuthScope.parse(claims.scope))
        let authorization = MCPAuthorization(
            clientID: claims.clientID,
            scopes: scopes,
            certificateThumbprint: claims.confirmation?.certificateThumbprint,
            expiresAt: claims.expiration.value
        )
        return (authorization, claims.expiration.value)
    }
}
