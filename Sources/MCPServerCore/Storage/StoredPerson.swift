public import Foundation

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
    /// Raised on every password change; browser sessions carry it, so a change ends them.
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
