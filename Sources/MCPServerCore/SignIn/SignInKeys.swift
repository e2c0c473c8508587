import Crypto

/// The secrets of the browser side of sign-in: one set seals authorization requests, one seals session cookies,
/// one makes CSRF tokens.
///
/// A form posted to one instance may be answered by another (another Lambda instance, another `serve` behind a
/// load balancer), so the secrets are derived from the token-signing keys every instance shares, each purpose
/// with its own derivation: a sealed request can never be opened as a session. The first secret seals and signs;
/// every secret opens and verifies, so a form shown just before a key rotation still works after it.
struct SignInKeys: Sendable {
    /// What a set of secrets is for; the raw value is the derivation's domain.
    enum Purpose: String, Sendable, CaseIterable {
        case request = "sign-in request"
        case session = "sign-in session"
        case csrf = "sign-in csrf"
    }

    let secrets: @Sendable (Purpose) -> [[UInt8]]

    /// Derived from the key ring's current keys, following its rotations.
    static func derived(from keyRing: KeyRing) -> SignInKeys {
        SignInKeys { keyRing.derivedSecrets(purpose: $0.rawValue) }
    }

    /// The keys for `purpose`, the one that seals first. Without any key (none loaded) a throwaway one, so what
    /// it seals is refused later rather than sealed with nothing.
    func keys(for purpose: Purpose) -> [SymmetricKey] {
        let secrets = self.secrets(purpose)
        guard !secrets.isEmpty else { return [SymmetricKey(size: .bits256)] }
        return secrets.map { SymmetricKey(data: $0) }
    }
}
