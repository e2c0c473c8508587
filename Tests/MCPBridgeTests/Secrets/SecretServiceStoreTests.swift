#if os(Linux)
import Foundation
import Logging
import RemoteMCPTestSupport
import Testing

@testable import MCPBridgeCore

/// The Secret Service client against GNOME Keyring on a private session bus: real daemons, and libsecret's
/// `secret-tool` (a program we did not write) reading what the bridge wrote.
@Suite(
    "Secret Service (gnome-keyring on a private D-Bus)",
    .needsSecretService,
    .childProcesses,
    .serialized,
    .timeLimit(.minutes(3))
)
struct SecretServiceStoreTests {
    @Test("write, read, replace, delete, read nothing")
    func roundTrip() async throws {
        let session = try await SecretServiceSession.start()
        defer { session.remove() }
        let store = try SecretServiceStore(busAddress: session.address)
        let account = "00112233445566778899aabbccddeeff"
        #expect(try await store.read(account: account) == nil)
        try await store.write(Array("first".utf8), account: account, label: "mcp-bridge test")
        #expect(try await store.read(account: account) == Array("first".utf8))
        let bytes = Array("{\"refresh_token\":\"é\\u0000\"}".utf8) + [0, 255]
        try await store.write(bytes, account: account, label: "mcp-bridge test")
        #expect(try await store.read(account: account) == bytes)
        // Replaced, not added: libsecret finds exactly one item.
        let lookup = try await session.secretToolLookup(account: account)
        #expect(lookup.status == 0)
        try await store.write(Array("other".utf8), account: "another", label: "mcp-bridge test")
        try await store.delete(account: account)
        #expect(try await store.read(account: account) == nil)
        #expect(try await store.read(account: "another") == Array("other".utf8))
        try await store.delete(account: account)
    }

    @Test(
        "a credential set saved through the Secret Service: no secret in the file, all of them back, secret-tool agrees"
    )
    func credentialStore() async throws {
        let session = try await SecretServiceSession.start()
        defer { session.remove() }
        let directory = session.directory.appendingPathComponent("credentials")
        let chosen = try SecretStores.choose(.keychain, environment: ["DBUS_SESSION_BUS_ADDRESS": session.address])
        let store = CredentialStore(directory: directory, secrets: chosen, secretsRequired: true)
        let credentials = CredentialStoreSecretsTests.credentials()
        try await store.save(credentials)
        let file = store.fileURL(issuer: credentials.issuer, resource: credentials.resource)
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        for secret in ["c-secret", "r-token", "\"rat\""] { #expect(!text.contains(secret), "\(secret) is in the file") }
        #expect(text.contains("\"secrets_in_system_store\" : true"))
        var expected = credentials
        expected.secretsInSystemStore = true
        #expect(try await store.loadWithSecrets(issuer: credentials.issuer, resource: credentials.resource) == expected)
        // A second bridge process would use its own connection: a new store object reads the same.
        let another = CredentialStore(
            directory: directory,
            secrets: try SecretServiceStore(busAddress: session.address)
        )
        #expect(
            try await another.loadWithSecrets(issuer: credentials.issuer, resource: credentials.resource) == expected
        )

        let account = store.account(for: credentials)
        let lookup = try await session.secretToolLookup(account: account)
        #expect(lookup.status == 0)
        #expect(
            lookup.output.joined(separator: "\n")
                == #"{"client_secret":"c-secret","refresh_token":"r-token","registration_access_token":"rat"}"#
        )
        try await store.remove(issuer: credentials.issuer, resource: credentials.resource)
        #expect(try await session.secretToolLookup(account: account).output.joined().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test("auto on a bus without a Secret Service: the file keeps the secrets, with one notice")
    func autoWithoutKeyring() async throws {
        let session = try await SecretServiceSession.start(keyring: false)
        defer { session.remove() }
        let messages = Recorder<String>()
        let store = CredentialStore(
            directory: session.directory.appendingPathComponent("credentials"),
            secrets: try SecretStores.choose(.auto, environment: ["DBUS_SESSION_BUS_ADDRESS": session.address]),
            logger: LogRecorder.logger(messages)
        )
        let credentials = CredentialStoreSecretsTests.credentials()
        try await store.save(credentials)
        try await store.save(credentials)
        let loaded = try #require(try store.load(issuer: credentials.issuer, resource: credentials.resource))
        #expect(loaded == credentials)
        #expect(!loaded.secretsInSystemStore)
        let text = String(
            decoding: try Data(contentsOf: store.fileURL(issuer: credentials.issuer, resource: credentials.resource)),
            as: UTF8.self
        )
        #expect(text.contains("r-token"))
        #expect(messages.items.filter { $0.contains("secret store") }.count == 1)
    }

    @Test("keychain forced on a bus without a Secret Service: an error that says why and what to do")
    func forcedWithoutKeyring() async throws {
        let session = try await SecretServiceSession.start(keyring: false)
        defer { session.remove() }
        let store = CredentialStore(
            directory: session.directory.appendingPathComponent("credentials"),
            secrets: try SecretStores.choose(.keychain, environment: ["DBUS_SESSION_BUS_ADDRESS": session.address]),
            secretsRequired: true
        )
        let error = await #expect(throws: BridgeError.self) {
            try await store.save(CredentialStoreSecretsTests.credentials())
        }
        #expect(error?.description.contains("nothing on the session bus provides org.freedesktop.secrets") == true)
        #expect(error?.description.contains("--credential-store file") == true)
    }

    @Test("a locked keyring whose unlock prompt is dismissed: reads and writes fail clearly, auto falls back")
    func lockedKeyring() async throws {
        let session = try await SecretServiceSession.start()
        defer { session.remove() }
        let store = try SecretServiceStore(busAddress: session.address)
        try await store.write(Array("s".utf8), account: "locked", label: "mcp-bridge test")
        let collection = try await session.call(
            SecretServiceStore.servicePath,
            SecretServiceStore.serviceInterface,
            "ReadAlias",
            [.string("default")]
        )
        _ = try await session.call(
            SecretServiceStore.servicePath,
            SecretServiceStore.serviceInterface,
            "Lock",
            [.objectPaths(collection.compactMap(\.objectPath))]
        )
        // No prompter can run on this bus (no display, no service files): gnome-keyring dismisses the prompt.
        let read = await #expect(throws: BridgeError.self) { try await store.read(account: "locked") }
        #expect(read?.description.contains("the keyring is locked (the unlock prompt was dismissed)") == true)
        let write = await #expect(throws: BridgeError.self) {
            try await store.write(Array("t".utf8), account: "new", label: "mcp-bridge test")
        }
        #expect(write?.description.contains("the keyring is locked") == true)

        let credentials = CredentialStore(directory: session.directory.appendingPathComponent("c"), secrets: store)
        try await credentials.save(CredentialStoreSecretsTests.credentials())
        let saved = CredentialStoreSecretsTests.credentials()
        #expect(try credentials.load(issuer: saved.issuer, resource: saved.resource) == saved)
    }
}
#endif
