/// The operating system's store for secrets: the macOS Keychain, the Secret Service on Linux (a desktop keyring
/// over D-Bus), Windows Credential Manager.
///
/// The bridge keeps one item per credential set (the ``CredentialStore`` file's name is the account): the
/// valuable part (client secret, refresh token, registration access token) as one small JSON value. Access
/// tokens stay in the 0600 file, so a bridge that starts with a cached token never waits on the secret store.
public protocol SecretStore: Sendable {
    /// What it is, for `status` and logs ("Secret Service (org.freedesktop.secrets)", "macOS Keychain").
    var name: String { get }
    /// The secret saved for `account`, or `nil` when there is none.
    func read(account: String) async throws(BridgeError) -> [UInt8]?
    /// Saves `secret` for `account`, replacing what was there; `label` is what a keyring program shows.
    func write(_ secret: [UInt8], account: String, label: String) async throws(BridgeError)
    /// Removes the secret for `account`; nothing when there is none.
    func delete(account: String) async throws(BridgeError)
}
