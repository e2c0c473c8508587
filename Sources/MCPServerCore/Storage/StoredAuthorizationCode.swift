#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An authorization code as the store keeps it: only its hash, bound to everything the token request must repeat.
///
/// A code is redeemed once (``SignInStore/redeemAuthorizationCode(hash:clientID:now:)``). The record stays after
/// it has been redeemed, and a while after it expires, so that a second redemption is reported as reuse.
public struct StoredAuthorizationCode: Sendable, Hashable {
    /// The SHA-256 of the code (never the code itself). Digests only: no spaces.
    public var codeHash: String
    /// The client the code was issued to; no other client can redeem it.
    public var clientID: String
    /// The person who signed in and consented.
    public var personID: String
    /// The exact `redirect_uri` of the authorization request.
    public var redirectURI: String
    /// The granted scopes, space-separated.
    public var scope: String
    /// The `resource` (RFC 8707) the tokens are for.
    public var resource: String
    /// The PKCE S256 `code_challenge`.
    public var codeChallenge: String
    /// The id the grant family gets when the code is exchanged, so that reuse of the code can revoke it.
    public var familyID: String
    /// When the person authenticated (the `auth_time` claim).
    public var authTime: Date
    public var createdAt: Date
    /// After this moment the code no longer redeems.
    public var expiresAt: Date
    /// When the code was first redeemed; `nil` until then.
    public var consumedAt: Date?

    public init(
        codeHash: String,
        clientID: String,
        personID: String,
        redirectURI: String,
        scope: String,
        resource: String,
        codeChallenge: String,
        familyID: String,
        authTime: Date,
        createdAt: Date,
        expiresAt: Date,
        consumedAt: Date? = nil
    ) {
        self.codeHash = codeHash
        self.clientID = clientID
        self.personID = personID
        self.redirectURI = redirectURI
        self.scope = scope
        self.resource = resource
        self.codeChallenge = codeChallenge
        self.familyID = familyID
        self.authTime = authTime
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}
