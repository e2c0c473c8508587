import Crypto

/// Where the keys that sign 2026-07-28 `requestState` come from.
///
/// A retry may reach another process (another Lambda instance, another `serve` behind a load balancer), which must
/// verify what this one signed: so with authentication on, the keys are derived from the token-signing keys every
/// instance shares (``derived(from:)``). The first key signs; every key verifies, so a state signed just before a
/// key rotation still works after it.
public struct RequestStateKeys: Sendable {
    let secrets: @Sendable () -> [[UInt8]]

    /// One random key for this process: its states are refused by other processes, and after a restart. What a
    /// server without authentication uses: it has no key shared with other instances.
    public static func random() -> RequestStateKeys {
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return RequestStateKeys { [secret] }
    }

    /// Fixed secrets: the first signs, each verifies.
    public static func fixed(_ secrets: [[UInt8]]) -> RequestStateKeys {
        precondition(!secrets.isEmpty, "request state needs at least one key")
        return RequestStateKeys { secrets }
    }

    /// Derived from the key ring's current keys (their raw bytes, with a purpose of their own), following its
    /// rotations: every instance with the same signing keys, in its configuration or in a shared store, verifies
    /// the others' states.
    public static func derived(from keyRing: KeyRing) -> RequestStateKeys {
        RequestStateKeys { keyRing.derivedSecrets(purpose: "request state") }
    }
}
