import MCPWire

/// Who may sign in through the upstream provider (``UpstreamProviderConfiguration``'s allow-lists), judged on the
/// verified ID token's claims.
///
/// Emails count only when the provider says they are verified (`email_verified` true; a missing claim is false):
/// anyone can type an address into an account at some providers, so an unverified one would let a stranger claim
/// an allowed domain, or an admin's address. Emails and domains compare case-insensitively; a domain admits only
/// addresses ending in `@` and exactly that domain, not its subdomains.
struct UpstreamAdmission: Sendable {
    let configuration: UpstreamProviderConfiguration

    /// The email, when the provider says it is verified.
    static func verifiedEmail(_ token: SignedJWT) -> String? {
        guard let email = token.string("email"), !email.isEmpty else { return nil }
        // Some providers (older Cognito pools) send the boolean as a string.
        switch token.claims["email_verified"] {
        case .bool(true)?, .string("true")?: return email
        default: return nil
        }
    }

    /// Checks the allow-lists.
    func check(_ token: SignedJWT) throws(UpstreamSignInError) {
        let email = Self.verifiedEmail(token)?.lowercased()
        let domains = self.configuration.allowedDomains.map { $0.lowercased() }
        let emails = self.configuration.allowedEmails.map { $0.lowercased() }
        if !domains.isEmpty || !emails.isEmpty {
            guard let email else {
                throw UpstreamSignInError(
                    "Your account at the sign-in provider has no verified email address, which this server requires.",
                    logDetail: "upstream sign-in refused: no verified email, and an email allow-list is set"
                )
            }
            let domain = email.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init)
            let admitted = emails.contains(email) || (email.contains("@") && domains.contains(domain ?? ""))
            guard admitted else {
                throw UpstreamSignInError(
                    "Your account is not allowed to sign in to this server.",
                    logDetail: "upstream sign-in refused: email not in the allowed emails or domains"
                )
            }
        }
        let allowedGroups = Set(self.configuration.allowedGroups)
        if !allowedGroups.isEmpty {
            let groups = self.configuration.groupClaim.map { Self.groups(token.claims[$0]) } ?? []
            guard !allowedGroups.isDisjoint(with: groups) else {
                throw UpstreamSignInError(
                    "Your account is not in a group allowed to sign in to this server.",
                    logDetail:
                        "upstream sign-in refused: not in an allowed group (claim \(self.configuration.groupClaim ?? "none"))"
                )
            }
        }
    }

    /// Whether the person is an admin: a verified email in ``UpstreamProviderConfiguration/adminEmails``.
    func isAdmin(_ token: SignedJWT) -> Bool {
        guard let email = Self.verifiedEmail(token)?.lowercased() else { return false }
        return self.configuration.adminEmails.contains { $0.lowercased() == email }
    }

    /// A group claim: an array of strings, or one string.
    private static func groups(_ claim: JSONValue?) -> [String] {
        switch claim {
        case .array(let items)?: items.compactMap(\.stringValue)
        case .string(let group)?: [group]
        default: []
        }
    }
}
