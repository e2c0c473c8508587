/// Which secret store the bridge uses, from `--credential-store` and the environment.
///
/// Where the valuable secrets (client secret, refresh token, registration access token) live:
/// - macOS: the login Keychain, generic passwords of service `mcp-bridge` (``KeychainStore``).
/// - Linux: the Secret Service on the D-Bus session bus (GNOME Keyring, KeePassXC, ...) when
///   `DBUS_SESSION_BUS_ADDRESS` is set, items with `application=mcp-bridge` (``SecretServiceStore``).
/// - Windows: Credential Manager, generic credentials named `mcp-bridge:<account>` (``WindowsCredentialStore``).
/// - Elsewhere, with `--credential-store file`, or when `auto` finds the store not answering: the 0600 credential
///   file, beside the access token, which is always in the file (``CredentialStore``).
///
/// The account is the credential file's name (a digest of issuer and resource). Choosing connects to nothing:
/// the store is first used when a secret is read or saved, so a bridge starting with a cached access token never
/// waits on it.
public enum SecretStores {
    /// The store for `choice`, or `nil` for the file.
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` for ``CredentialStoreChoice/keychain`` where this platform (or
    ///   this session) has no secret store.
    public static func choose(
        _ choice: CredentialStoreChoice,
        environment: [String: String]
    ) throws(BridgeError) -> (any SecretStore)? {
        switch choice {
        case .file: nil
        case .auto: try? Self.platformStore(environment: environment)
        case .keychain: try Self.platformStore(environment: environment)
        }
    }

    /// This platform's store.
    static func platformStore(environment: [String: String]) throws(BridgeError) -> any SecretStore {
        #if os(macOS)
        return KeychainStore()
        #elseif os(Windows)
        return WindowsCredentialStore()
        #elseif os(Linux)
        guard let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty else {
            throw .configuration(
                "--credential-store keychain: there is no Secret Service to use, since DBUS_SESSION_BUS_ADDRESS "
                    + "is not set (no desktop session bus); run the bridge in a desktop session, or use "
                    + "--credential-store file"
            )
        }
        do {
            return try SecretServiceStore(busAddress: address)
        } catch {
            throw .configuration("--credential-store keychain: \(error)")
        }
        #else
        throw .configuration(
            "--credential-store keychain: the bridge knows no secret store on this platform; use --credential-store file"
        )
        #endif
    }
}
