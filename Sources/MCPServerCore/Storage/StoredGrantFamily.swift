#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A grant family: what one authorization-code exchange started, and the refresh tokens rotated from it.
///
/// Only the current refresh token's hash and a ring of the most recent previous hashes are kept. Presenting the
/// current token rotates it; presenting one from the ring means a token was stolen or replayed, and revokes the
/// family (RFC 9700 §4.14.2). A secret in neither place changes nothing.
public struct StoredGrantFamily: Sendable, Hashable {
    /// How many previous refresh-token hashes the ring keeps.
    public static let recentTokenHashLimit = 32

    /// The family id (the `sid` claim of its access tokens).
    public var id: String
    public var clientID: String
    public var personID: String
    /// The person's ``StoredPerson/credentialVersion`` when the family was created. A password change or a
    /// sign-out raises the person's version, and a family whose version differs from it is over: refresh revokes
    /// it and the verifier refuses its access tokens. Families stored before this field existed read as 1, the
    /// version people had then.
    public var credentialVersion: Int
    /// The granted scopes, space-separated.
    public var scope: String
    /// The `resource` (RFC 8707) the tokens are for.
    public var resource: String
    /// When the person authenticated.
    public var authTime: Date
    /// The SHA-256 of the current refresh token; `nil` when the client has no `refresh_token` grant. Digests
    /// only: no spaces.
    public var currentTokenHash: String?
    /// How many times the refresh token has been rotated.
    public var generation: Int
    /// Hashes of earlier refresh tokens, newest first, at most ``recentTokenHashLimit``.
    public var recentTokenHashes: [String]
    public var createdAt: Date
    public var lastUsedAt: Date
    /// The family can no longer rotate after this moment unless used before it; each rotation moves it forward,
    /// never past ``absoluteExpiresAt``.
    public var idleExpiresAt: Date
    /// The family can never rotate after this moment.
    public var absoluteExpiresAt: Date
    public var revokedAt: Date?
    /// Why it was revoked, for the audit log: for example `refresh-token-reuse` or `code-reuse`.
    public var revocationReason: String?

    public init(
        id: String,
        clientID: String,
        personID: String,
        credentialVersion: Int = 1,
        scope: String,
        resource: String,
        authTime: Date,
        currentTokenHash: String?,
        generation: Int = 0,
        recentTokenHashes: [String] = [],
        createdAt: Date,
        lastUsedAt: Date,
        idleExpiresAt: Date,
        absoluteExpiresAt: Date,
        revokedAt: Date? = nil,
        revocationReason: String? = nil
    ) {
        self.id = id
        self.clientID = clientID
        self.personID = personID
        self.credentialVersion = credentialVersion
        self.scope = scope
        self.resource = resource
        self.authTime = authTime
        self.currentTokenHash = currentTokenHash
        self.generation = generation
        self.recentTokenHashes = recentTokenHashes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.idleExpiresAt = idleExpiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
    }
}
