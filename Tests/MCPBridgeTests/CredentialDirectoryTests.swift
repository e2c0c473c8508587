import Foundation
import Logging
import Testing

@testable import MCPBridgeCore

/// Issue 10, defect 9: the credential directory is checked, not just chmod-ed and hoped for.
@Suite("credential directory")
struct CredentialDirectoryTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("creddir-\(UUID().uuidString)")

    /// A directory with `mode` (set after creation, so the umask does not interfere).
    func directory(mode: mode_t) throws -> URL {
        let directory = self.root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #require(chmod(directory.path, mode) == 0)
        return directory
    }

    func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int ?? -1) & 0o777
    }

    func credentials() -> StoredCredentials {
        StoredCredentials(
            issuer: "https://h",
            resource: "https://h/mcp",
            tokenEndpoint: "https://h/token",
            registrationEndpoint: nil,
            tokenEndpointAuthMethod: "client_secret_basic",
            clientID: "c1",
            clientSecret: "s",
            registrationAccessToken: nil,
            registrationClientURI: nil,
            clientName: nil,
            scope: nil
        )
    }

    @Test("a new directory is 0700 from the start")
    func created() async throws {
        defer { try? FileManager.default.removeItem(at: self.root) }
        let store = CredentialStore(directory: self.root.appendingPathComponent("a/b"))
        try await store.save(self.credentials())
        #expect(try self.mode(store.directory) == 0o700)
    }

    @Test("a directory others can only read is narrowed to 0700, and the check of chmod passes")
    func narrowed() async throws {
        defer { try? FileManager.default.removeItem(at: self.root) }
        let store = CredentialStore(directory: try self.directory(mode: 0o755))
        try await store.save(self.credentials())
        #expect(try self.mode(store.directory) == 0o700)
    }

    @Test("a directory others can write is refused, with its path and the fix", arguments: [0o777, 0o770, 0o702])
    func writableRefused(mode: Int) async throws {
        defer { try? FileManager.default.removeItem(at: self.root) }
        let directory = try self.directory(mode: mode_t(mode))
        let store = CredentialStore(directory: directory)
        let error = await #expect(throws: BridgeError.self) { try await store.save(self.credentials()) }
        #expect(error?.description.contains(directory.path) == true)
        #expect(error?.description.contains("chmod 700 \(directory.path)") == true)
        #expect(throws: BridgeError.self) { try store.checkExistingDirectory() }
        // Nothing was written, and the mode was left for the user to look at.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(try self.mode(directory) == mode)
    }

    @Test("a directory of another user is refused", .enabled(if: geteuid() == 0, "only root can make one"))
    func otherOwnerRefused() async throws {
        defer { try? FileManager.default.removeItem(at: self.root) }
        let directory = try self.directory(mode: 0o700)
        try #require(chown(directory.path, 65534, 65534) == 0)
        let store = CredentialStore(directory: directory)
        let error = await #expect(throws: BridgeError.self) { try await store.save(self.credentials()) }
        #expect(error?.description.contains(directory.path) == true)
        #expect(error?.description.contains("MCP_BRIDGE_HOME") == true)
    }

    @Test("the bridge refuses to start on such a directory instead of reading credentials from it")
    func contextRefuses() throws {
        defer { try? FileManager.default.removeItem(at: self.root) }
        let directory = try self.directory(mode: 0o777)
        let settings = BridgeSettings(serverURL: URL(string: "https://h/mcp")!, credentialDirectory: directory)
        #expect(throws: BridgeError.self) {
            _ = try BridgeContext(settings: settings, logger: Logger(label: "test"))
        }
    }
}
