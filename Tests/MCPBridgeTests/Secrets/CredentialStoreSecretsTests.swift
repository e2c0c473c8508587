import Foundation
import Testing

@testable import MCPBridgeCore

/// ``CredentialStore`` with a secret store: what goes where, and what happens when the store fails, with
/// `auto` (the file instead, one notice) and with `keychain` (an error that says what to do).
@Suite("credential store with a secret store")
struct CredentialStoreSecretsTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")

    static func credentials(refreshToken: String? = "r-token", clientSecret: String? = "c-secret") -> StoredCredentials
    {
        StoredCredentials(
            issuer: "https://as.example",
            resource: "https://mcp.example/mcp",
            tokenEndpoint: "https://as.example/token",
            registrationEndpoint: "https://as.example/register",
            tokenEndpointAuthMethod: "client_secret_basic",
            clientID: "client-1",
            clientSecret: clientSecret,
            registrationAccessToken: "rat",
            registrationClientURI: "https://as.example/register/client-1",
            clientName: "test",
            scope: "mcp",
            accessToken: "a-token",
            tokenExpiresAt: Date(timeIntervalSince1970: 2_000_000_000),
            registeredAt: Date(timeIntervalSince1970: 1_800_000_000),
            grant: .authorizationCode,
            refreshToken: refreshToken
        )
    }

    func fileText(_ store: CredentialStore, _ credentials: StoredCredentials) throws -> String {
        try String(
            contentsOf: store.fileURL(issuer: credentials.issuer, resource: credentials.resource),
            encoding: .utf8
        )
    }

    @Test("the secrets go to the store as one JSON item, the rest (access token too) to the file")
    func split() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        let store = CredentialStore(directory: self.directory, secrets: secrets)
        let credentials = Self.credentials()
        try await store.save(credentials)
        let account = store.account(for: credentials)
        #expect(account.count == 32 && account.allSatisfy(\.isHexDigit))
        let item = try #require(secrets.items[account])
        #expect(
            String(decoding: item, as: UTF8.self)
                == #"{"client_secret":"c-secret","refresh_token":"r-token","registration_access_token":"rat"}"#
        )
        let text = try self.fileText(store, credentials)
        for secret in ["c-secret", "r-token", "\"rat\""] { #expect(!text.contains(secret)) }
        #expect(text.contains("a-token"))
        let fromFile = try #require(try store.load(issuer: credentials.issuer, resource: credentials.resource))
        #expect(fromFile.secretsInSystemStore)
        #expect(fromFile.clientSecret == nil && fromFile.refreshToken == nil && fromFile.registrationAccessToken == nil)
        var expected = credentials
        expected.secretsInSystemStore = true
        #expect(try await store.loadWithSecrets(issuer: credentials.issuer, resource: credentials.resource) == expected)
        #expect(try await store.withSecrets(fromFile) == expected)
    }

    @Test("no secrets: any item is deleted and the file says they are not in the store")
    func noSecrets() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        let store = CredentialStore(directory: self.directory, secrets: secrets)
        try await store.save(Self.credentials())
        var bare = Self.credentials(refreshToken: nil, clientSecret: nil)
        bare.registrationAccessToken = nil
        try await store.save(bare)
        #expect(secrets.items.isEmpty)
        let loaded = try await store.loadWithSecrets(issuer: bare.issuer, resource: bare.resource)
        #expect(loaded == bare)
        #expect(loaded?.secretsInSystemStore == false)
    }

    @Test("remove deletes the item and the file")
    func remove() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        let store = CredentialStore(directory: self.directory, secrets: secrets)
        let credentials = Self.credentials()
        try await store.save(credentials)
        try await store.remove(issuer: credentials.issuer, resource: credentials.resource)
        #expect(secrets.items.isEmpty)
        #expect(try store.load(issuer: credentials.issuer, resource: credentials.resource) == nil)
    }

    @Test("auto: a failing store keeps everything in the file from then on, with one notice")
    func autoFallsBack() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        secrets.fail(with: .configuration("no keyring"))
        let messages = Recorder<String>()
        let store = CredentialStore(directory: self.directory, secrets: secrets, logger: LogRecorder.logger(messages))
        let credentials = Self.credentials()
        try await store.save(credentials)
        try await store.save(credentials)
        #expect(secrets.calls == 1)
        #expect(try self.fileText(store, credentials).contains("r-token"))
        let loaded = try await store.loadWithSecrets(issuer: credentials.issuer, resource: credentials.resource)
        #expect(loaded == credentials)
        #expect(loaded?.secretsInSystemStore == false)
        #expect(messages.items.filter { $0.contains("secret store") }.count == 1)
    }

    @Test("auto: secrets in a store that fails to answer come back nil, so the bridge signs in again")
    func autoReadFails() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        let store = CredentialStore(directory: self.directory, secrets: secrets)
        let credentials = Self.credentials()
        try await store.save(credentials)
        secrets.fail(with: .configuration("the keyring is locked"))
        let loaded = try #require(
            try await store.loadWithSecrets(issuer: credentials.issuer, resource: credentials.resource)
        )
        #expect(loaded.refreshToken == nil && loaded.clientSecret == nil)
        #expect(loaded.accessToken == "a-token")
    }

    @Test("strict (signing out): a store that cannot be read or cleared is an error, and the file stays")
    func strictFails() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        let store = CredentialStore(directory: self.directory, secrets: secrets)
        let credentials = Self.credentials()
        try await store.save(credentials)
        let account = try #require(secrets.items.keys.first)
        secrets.fail(with: .configuration("the keyring is locked"))
        let (issuer, resource) = (credentials.issuer, credentials.resource)
        await #expect(throws: BridgeError.self) {
            try await store.loadWithSecrets(issuer: issuer, resource: resource, strict: true)
        }
        await #expect(throws: BridgeError.self) {
            try await store.remove(issuer: issuer, resource: resource, strict: true)
        }
        #expect(try store.load(issuer: issuer, resource: resource)?.secretsInSystemStore == true)
        // Once the keyring answers again, the same sign-out finishes.
        secrets.fail(with: nil)
        let loaded = try await store.loadWithSecrets(issuer: issuer, resource: resource, strict: true)
        #expect(loaded?.refreshToken == "r-token")
        try await store.remove(issuer: issuer, resource: resource, strict: true)
        #expect(secrets.items[account] == nil)
        #expect(try store.load(issuer: issuer, resource: resource) == nil)
        // The file store alone cannot reach secrets kept in the keyring: strict says so.
        try await store.save(credentials)
        let fileOnly = CredentialStore(directory: self.directory, secrets: nil)
        await #expect(throws: BridgeError.self) {
            try await fileOnly.loadWithSecrets(issuer: issuer, resource: resource, strict: true)
        }
    }

    @Test("strict (signing out): a damaged item is not a dead end: read as no secrets, then deleted with the file")
    func strictDamagedItem() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        let store = CredentialStore(directory: self.directory, secrets: secrets)
        let credentials = Self.credentials()
        try await store.save(credentials)
        let account = try #require(secrets.items.keys.first)
        try await secrets.write(Array("not what the bridge wrote".utf8), account: account, label: "damaged")
        let (issuer, resource) = (credentials.issuer, credentials.resource)
        let loaded = try await store.loadWithSecrets(issuer: issuer, resource: resource, strict: true)
        #expect(loaded != nil && loaded?.refreshToken == nil)
        try await store.remove(issuer: issuer, resource: resource, strict: true)
        #expect(secrets.items[account] == nil)
        #expect(try store.load(issuer: issuer, resource: resource) == nil)
    }

    @Test("keychain forced: a failing store is an error that names the way out, and nothing is written")
    func requiredFails() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let secrets = MemorySecretStore()
        secrets.fail(with: .configuration("memory could not save a secret: the keyring is locked"))
        let store = CredentialStore(directory: self.directory, secrets: secrets, secretsRequired: true)
        let credentials = Self.credentials()
        let error = await #expect(throws: BridgeError.self) { try await store.save(credentials) }
        #expect(error?.description.contains("the keyring is locked") == true)
        #expect(error?.description.contains("--credential-store file") == true)
        #expect(try store.load(issuer: credentials.issuer, resource: credentials.resource) == nil)
    }

    @Test("choosing: file is none, auto without a session bus is the file, keychain without one is an error")
    func choosing() throws {
        #expect(try SecretStores.choose(.file, environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"]) == nil)
        #if os(Linux)
        #expect(try SecretStores.choose(.auto, environment: [:]) == nil)
        #expect(try SecretStores.choose(.auto, environment: ["DBUS_SESSION_BUS_ADDRESS": "tcp:host=h,port=1"]) == nil)
        // Nothing is connected when choosing: the socket need not exist.
        let chosen = try SecretStores.choose(
            .auto,
            environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"]
        )
        #expect(chosen?.name == "Secret Service (org.freedesktop.secrets)")
        let error = #expect(throws: BridgeError.self) { try SecretStores.choose(.keychain, environment: [:]) }
        #expect(error?.description.contains("DBUS_SESSION_BUS_ADDRESS") == true)
        #expect(error?.description.contains("--credential-store file") == true)
        #endif
    }

    #if os(Linux)
    @Test("a session bus that is not there: a clear error, quickly, from the first use")
    func busMissing() async throws {
        let store = try SecretServiceStore(busAddress: "unix:path=/nonexistent/\(UUID().uuidString)/bus")
        let error = await #expect(throws: BridgeError.self) { try await store.read(account: "a") }
        #expect(error?.description.contains("cannot connect to the session bus") == true)
    }
    #endif
}
