#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Someone who can sign in: a local account (username and password) or a person known through an upstream
/// OpenID provider.
public struct StoredPerson: Sendable, Hashable {
    /// `usr_` plus 22 base64url characters for local people; `oidc_` plus 22 base64url characters of
    /// SHA-256(issuer + "\n" + subject) for upstream ones.
    public var id: String
    /// The normalized sign-in name of a local person, unique among people; `nil` for upstream people.
    public var username: String?
    public var displayName: String?
    public var email: String?
    /// The bcrypt hash of a local person's password (never the password itself).
    public var passwordHash: String?
    /// Raised by every password change and sign-out (`mcp-server users passwd`, `users sign-out`) to at least the
    /// time of the change in whole seconds. Browser sessions and grant families carry the version they were made
    /// with, so a change ends them.
    ///
    /// A new person starts at their creation time in whole seconds (``initialCredentialVersion(createdAt:)``),
    /// not 1: upstream people's ids are derived from issuer and subject, so a person deleted and signed in again
    /// gets the same id, and must not get a version that the old person's sessions and families still carry.
    public var credentialVersion: Int
    public var isAdmin: Bool
    /// The upstream provider's `iss`, for people who sign in there.
    public var upstreamIssuer: String?
    /// The upstream provider's `sub`.
    public var upstreamSubject: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var lastSignInAt: Date?

    public init(
        id: String,
        username: String? = nil,
        displayName: String? = nil,
        email: String? = nil,
        passwordHash: String? = nil,
        credentialVersion: Int = 1,
        isAdmin: Bool = false,
        upstreamIssuer: String? = nil,
        upstreamSubject: String? = nil,
        createdAt: Date,
        updatedAt: Date,
        lastSignInAt: Date? = nil
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.passwordHash = passwordHash
        self.credentialVersion = credentialVersion
        self.isAdmin = isAdmin
        self.upstreamIssuer = upstreamIssuer
        self.upstreamSubject = upstreamSubject
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastSignInAt = lastSignInAt
    }
}

extension StoredPerson {
    /// The credential version of a person created at `createdAt`: the time in whole seconds.
    public static func initialCredentialVersion(createdAt: Date) -> Int {
        Int(createdAt.timeIntervalSince1970)
    }

    /// The credential version after a password change or a sign-out at `now`: higher than the current one, and at
    /// least `now` in whole seconds, so it stays above the version any earlier person with this id started at.
    public func raisedCredentialVersion(now: Date) -> Int {
        max(self.credentialVersion + 1, Self.initialCredentialVersion(createdAt: now))
    }
}
