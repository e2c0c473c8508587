/// The person an access token speaks for (its `sub`), as the verifier read them from the store: what a tool may use
/// to answer per person. Never a password hash or credential.
public struct AuthorizedPerson: Sendable, Hashable {
    /// The person's id (`usr_…` for local people, `oidc_…` for upstream ones).
    public var id: String
    /// The sign-in name of a local person; `nil` for people of an upstream provider.
    public var username: String?
    public var displayName: String?
    public var email: String?
    /// Whether the operator made this person an admin.
    public var isAdmin: Bool

    public init(id: String, username: String? = nil, displayName: String? = nil, email: String? = nil, isAdmin: Bool) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.isAdmin = isAdmin
    }

    /// The profile fields of a stored person.
    public init(_ person: StoredPerson) {
        self.init(
            id: person.id,
            username: person.username,
            displayName: person.displayName,
            email: person.email,
            isAdmin: person.isAdmin
        )
    }
}
