import Crypto
public import Logging
import MCPWire
import NIOConcurrencyHelpers
import NIOPosix

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The per-user directory of bridge credentials, shared safely by every copy of the bridge.
///
/// One JSON file per (issuer, resource) pair, mode 0600 in a 0700 directory, replaced atomically (temporary file,
/// `fsync`, `rename`), so a reader never sees half a file and a crash never leaves one. A `flock(2)` lock file per
/// pair serialises registration and token fetches across processes: Claude Desktop starts several bridges at once,
/// and they must register once, not five times.
///
/// With a ``SecretStore`` (the Keychain, the Secret Service, Credential Manager: see ``SecretStores``), the
/// client secret, refresh token and registration access token live there instead, as one item named after the
/// file; the file keeps the rest, access token included, and says so (``StoredCredentials/secretsInSystemStore``).
/// ``load(issuer:resource:)`` reads only the file, so starting with a cached token never waits on the store;
/// ``loadWithSecrets(issuer:resource:)`` adds the secrets.
public struct CredentialStore: Sendable {
    /// The directory holding the files.
    public let directory: URL
    /// Where the secrets go instead of the file; `nil` keeps them in the file.
    public let secrets: (any SecretStore)?
    /// Whether a failing ``secrets`` store is an error (`--credential-store keychain`) rather than a reason to
    /// keep the secrets in the file (`auto`).
    public let secretsRequired: Bool
    let logger: Logger?
    /// Set when the store failed with `auto`: from then on this process keeps secrets in the file, and the
    /// notice saying so is logged once. Shared by the copies of this value.
    private let secretStoreFailed = NIOLockedValueBox(false)

    public init(
        directory: URL,
        secrets: (any SecretStore)? = nil,
        secretsRequired: Bool = false,
        logger: Logger? = nil
    ) {
        self.directory = directory
        self.secrets = secrets
        self.secretsRequired = secretsRequired
        self.logger = logger
    }

    /// `$MCP_BRIDGE_HOME`, else `~/Library/Application Support/mcp-bridge` on macOS, `%LOCALAPPDATA%\mcp-bridge`
    /// on Windows, else `$XDG_CONFIG_HOME/mcp-bridge` or `~/.config/mcp-bridge`.
    public static func defaultDirectory(environment: [String: String]) -> URL {
        if let home = environment["MCP_BRIDGE_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        #if os(Windows)
        // Machine state (tokens, locks, pending sign-ins, beside Credential Manager items that do not roam), so the
        // local application data folder, not the roaming one. Hosts pass LOCALAPPDATA to the processes they start
        // and no HOME (and Git Bash's drive-less HOME would be wrong here).
        if let local = environment["LOCALAPPDATA"], !local.isEmpty {
            return URL(fileURLWithPath: local).appendingPathComponent("mcp-bridge")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("AppData/Local/mcp-bridge")
        #else
        let userHome =
            environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        #if os(macOS)
        return userHome.appendingPathComponent("Library/Application Support/mcp-bridge")
        #else
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return URL(fileURLWithPath: config).appendingPathComponent("mcp-bridge")
        }
        return userHome.appendingPathComponent(".config/mcp-bridge")
        #endif
        #endif
    }

    /// The credentials for `issuer` and `resource`, if saved, as the file has them: without the secrets when
    /// they are in the secret store.
    public func load(issuer: String, resource: String) throws(BridgeError) -> StoredCredentials? {
        let url = self.fileURL(issuer: issuer, resource: resource)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let credentials = try? Self.decoder.decode(StoredCredentials.self, from: data),
            credentials.issuer == issuer, credentials.resource == resource
        else {
            throw .configuration("\(url.path) is damaged; remove it with `mcp-bridge logout \(resource)`")
        }
        return credentials
    }

    /// Every saved credential set, in file-name order. Damaged files are skipped.
    public func all() -> [StoredCredentials] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: self.directory.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".json") }.compactMap { name in
            FileManager.default.contents(atPath: self.directory.appendingPathComponent(name).path).flatMap {
                try? Self.decoder.decode(StoredCredentials.self, from: $0)
            }
        }
    }

    /// The saved credentials for `resource`, newest registration first.
    public func credentials(forResource resource: String) -> [StoredCredentials] {
        self.all().filter { $0.resource == resource }.sorted { $0.registeredAt > $1.registeredAt }
    }

    /// The credentials for `issuer` and `resource` with their secrets, from the secret store where they are kept
    /// there (see ``withSecrets(_:strict:)``).
    ///
    /// - Parameter strict: fail instead of leaving the secrets out when they are kept in a secret store that cannot
    ///   be read (``withSecrets(_:strict:)``).
    public func loadWithSecrets(
        issuer: String,
        resource: String,
        strict: Bool = false
    ) async throws(BridgeError) -> StoredCredentials? {
        guard let credentials = try self.load(issuer: issuer, resource: resource) else { return nil }
        return try await self.withSecrets(credentials, strict: strict)
    }

    /// `credentials` (as ``load(issuer:resource:)`` or ``all()`` gave them) with their secrets filled in from the
    /// secret store, if they are kept there.
    ///
    /// With `auto`, a store that fails (no keyring running, a locked keyring whose prompt was dismissed) leaves
    /// the secrets `nil`: the caller signs in or registers again, and that saves them in the file.
    ///
    /// With `strict` (signing out, which must not report success while a refresh token it could not revoke stays
    /// in the keyring), a store that is not used, failed before, or fails now is an error whatever the mode.
    ///
    /// - Throws: ``BridgeError`` when the store is required (or `strict`) and fails, or holds a damaged item.
    public func withSecrets(
        _ credentials: StoredCredentials,
        strict: Bool = false
    ) async throws(BridgeError) -> StoredCredentials {
        guard credentials.secretsInSystemStore else { return credentials }
        guard let store = self.secrets else {
            if strict {
                throw .configuration(
                    "the secrets of these credentials are in the system secret store, which --credential-store file does not use; run this without it"
                )
            }
            self.logger?.notice(
                "The secrets of these credentials are in the system secret store, unused with --credential-store file",
                metadata: ["credentials.file": "\(self.account(for: credentials)).json"]
            )
            return credentials
        }
        // Failed before, with auto: said so once already.
        if self.storeFailed {
            guard !strict else { throw .configuration("the system secret store (\(store.name)) is not usable") }
            return credentials
        }
        var filled = credentials
        do {
            guard let item = try await store.read(account: self.account(for: credentials)) else {
                self.logger?.notice(
                    "The system secret store has no secrets for these credentials",
                    metadata: ["credentials.file": "\(self.account(for: credentials)).json", "store": "\(store.name)"]
                )
                return credentials
            }
            do {
                try CredentialSecrets(decoding: item).fill(&filled)
            } catch  where strict {
                // Signing out: a damaged item holds nothing that could be revoked, and refusing here would make
                // every logout fail for good; it goes on without the secrets, and deletes the item.
                self.logger?.notice(
                    "The system secret store's item for these credentials is damaged; it is deleted unread",
                    metadata: ["credentials.file": "\(self.account(for: credentials)).json", "store": "\(store.name)"]
                )
                return credentials
            }
        } catch {
            guard !strict else { throw .configuration("the system secret store (\(store.name)) failed: \(error)") }
            try self.fallBack(from: store, error)
        }
        return filled
    }

    /// Saves `credentials`: the secrets to the secret store first (one item; deleted when there are none), then
    /// the file without them, atomically with mode 0600. Without a store, or when `auto` finds it failing, the
    /// file keeps everything.
    ///
    /// - Throws: ``BridgeError`` when the file cannot be written, or the store is required and fails.
    public func save(_ credentials: StoredCredentials) async throws(BridgeError) {
        try self.prepareDirectory()
        var file = credentials
        file.secretsInSystemStore = false
        if let store = self.secrets, !self.storeFailed {
            let secrets = CredentialSecrets(of: credentials)
            let account = self.account(for: credentials)
            do {
                if secrets.isEmpty {
                    try await store.delete(account: account)
                } else {
                    try await store.write(
                        try secrets.encoded(),
                        account: account,
                        label: "mcp-bridge credentials for \(credentials.resource)"
                    )
                    CredentialSecrets.strip(&file)
                    file.secretsInSystemStore = true
                }
            } catch {
                try self.fallBack(from: store, error)
            }
        }
        let data: Data
        do {
            data = try Self.encoder.encode(file)
        } catch {
            throw .configuration("could not encode credentials: \(error)")
        }
        try self.writeAtomically(data, to: self.fileURL(issuer: credentials.issuer, resource: credentials.resource))
    }

    /// Replaces the file at `url` with `data`: a temporary file created 0600 beside it, `fsync`, `rename`.
    func writeAtomically(_ data: Data, to url: URL) throws(BridgeError) {
        let temporary = url.path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .configuration("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .configuration("cannot write \(url.path): \(reason)")
        }
    }

    /// Removes the credentials for `issuer` and `resource`: the secret store's item, then the file.
    ///
    /// - Parameter strict: when the store's item cannot be deleted, fail and keep the file (which says the secrets
    ///   are there), whatever the mode, so that signing out never reports success while a secret stays behind.
    public func remove(issuer: String, resource: String, strict: Bool = false) async throws(BridgeError) {
        let url = self.fileURL(issuer: issuer, resource: resource)
        if let store = self.secrets, !self.storeFailed || strict {
            do {
                try await store.delete(account: url.deletingPathExtension().lastPathComponent)
            } catch {
                guard !strict else {
                    throw .configuration(
                        "could not delete the secrets from the system secret store (\(store.name)): \(error)"
                    )
                }
                try self.fallBack(from: store, error)
            }
        }
        if unlink(url.path) != 0 && errno != ENOENT {
            throw .configuration("cannot remove \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Runs `body` holding the cross-process lock for `issuer` and `resource` (``FileLock``).
    public func withLock<T: Sendable>(
        issuer: String,
        resource: String,
        _ body: () async throws -> T
    ) async throws -> T {
        try self.prepareDirectory()
        let path = self.fileURL(issuer: issuer, resource: resource).deletingPathExtension().path + ".lock"
        let lock = try await FileLock.acquire(path)
        defer { lock.release() }
        return try await body()
    }

    /// The secret store's account for a credential set: its file's name without `.json` (a digest, no URL).
    func account(for credentials: StoredCredentials) -> String {
        self.fileURL(issuer: credentials.issuer, resource: credentials.resource).deletingPathExtension()
            .lastPathComponent
    }

    private var storeFailed: Bool {
        self.secretStoreFailed.withLockedValue { $0 }
    }

    /// After `store` failed with `error`: throws when the store is required, else keeps secrets in the file from
    /// now on and says so once.
    private func fallBack(from store: any SecretStore, _ error: BridgeError) throws(BridgeError) {
        if self.secretsRequired {
            throw .configuration(
                "\(error) (--credential-store keychain keeps secrets only there; unlock or start the keyring, or "
                    + "use --credential-store file)"
            )
        }
        let first = self.secretStoreFailed.withLockedValue { failed in
            defer { failed = true }
            return !failed
        }
        if first {
            self.logger?.notice(
                "The system secret store is not usable; keeping secrets in the credential file instead",
                metadata: ["store": "\(store.name)", "error": "\(error)"]
            )
        }
    }

    /// The file for a pair: a digest of issuer and resource, so any URL makes a safe file name.
    func fileURL(issuer: String, resource: String) -> URL {
        let digest = SHA256.hash(data: Data("\(issuer)\n\(resource)".utf8))
        let name = Hex.encode(digest.prefix(16))
        return self.directory.appendingPathComponent(name + ".json")
    }

    /// Creates the directory 0700 if it is missing, then checks it (see ``checkExistingDirectory()``).
    func prepareDirectory() throws(BridgeError) {
        let path = self.directory.path
        var info = stat()
        if stat(path, &info) != 0 {
            do {
                try FileManager.default.createDirectory(
                    at: self.directory.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
            } catch {
                throw .configuration("cannot create \(self.directory.deletingLastPathComponent().path): \(error)")
            }
            // 0700 from the start (mkdir applies only the umask, which can narrow but not widen it). Another
            // bridge may have created it a moment ago; the check below covers that one too.
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw .configuration("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
        try self.checkExistingDirectory()
    }

    /// Refuses a directory that is not this user's or that others can write, and narrows one that others can
    /// only read to 0700. Does nothing when the directory does not exist yet.
    ///
    /// Others who can write could have planted credential files (a token endpoint of theirs would receive the
    /// client secret); others who can read have seen nothing yet if the files are 0600, so that is repaired,
    /// and refused when the repair fails.
    public func checkExistingDirectory() throws(BridgeError) {
        let path = self.directory.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .configuration("cannot inspect \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .configuration("\(path) holds the bridge's credentials but is not a directory; move it away")
        }
        guard info.st_uid == geteuid() else {
            throw .configuration(
                "the credential directory \(path) belongs to user id \(info.st_uid), not to you (\(geteuid())); "
                    + "set MCP_BRIDGE_HOME to a directory of your own, or fix its owner with chown"
            )
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o022 == 0 else {
            throw .configuration(
                "the credential directory \(path) is writable by other users (mode \(String(mode, radix: 8))); "
                    + "check the files in it, then run `chmod 700 \(path)`"
            )
        }
        guard mode & 0o077 != 0 else { return }
        guard chmod(path, 0o700) == 0 else {
            throw .configuration(
                "the credential directory \(path) is readable by other users (mode \(String(mode, radix: 8))) "
                    + "and could not be narrowed (\(String(cString: strerror(errno)))); run `chmod 700 \(path)`"
            )
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
