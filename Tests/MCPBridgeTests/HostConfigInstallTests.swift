import Foundation
import MCPWire
import Testing

@testable import MCPBridgeCore

/// Issue 10, defect 7: `mcp-bridge install` must not weaken the config file it edits.
@Suite("install into a host's config file")
struct HostConfigInstallTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostconfig-\(UUID().uuidString)")

    func entry(_ url: String) -> JSONValue {
        HostConfig.entry(bridgePath: "/usr/local/bin/mcp-bridge", serverURL: URL(string: url)!)
    }

    func attributes(_ path: String) throws -> stat {
        var info = stat()
        let result = lstat(path, &info)
        try #require(result == 0, "lstat \(path)")
        return info
    }

    /// Writes `text` to `url` with exactly `mode`.
    func write(_ text: String, to url: URL, mode: mode_t) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try #require(chmod(url.path, mode) == 0)
    }

    func backups(of file: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(file.lastPathComponent + ".backup-") }.sorted()
    }

    @Test("the file keeps its mode, and its backup has the same mode", arguments: [0o600, 0o640, 0o644])
    func keepsMode(mode: Int) throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let file = self.directory.appendingPathComponent("mcp.json")
        try self.write(
            #"{"mcpServers":{"other":{"command":"x","env":{"API_KEY":"secret"}}}}"#,
            to: file,
            mode: mode_t(mode)
        )
        let outcome = try HostConfig.install(into: file, name: "a", entry: self.entry("https://a.example.com/mcp"))
        guard case .updated(let backup) = outcome else {
            Issue.record("expected an update, got \(outcome)")
            return
        }
        #expect(Int(try self.attributes(file.path).st_mode & 0o777) == mode)
        #expect(Int(try self.attributes(backup.path).st_mode & 0o777) == mode)
        let merged = try JSONValue(parsing: Array(try Data(contentsOf: file)))
        #expect(merged["mcpServers"]?["other"]?["env"]?["API_KEY"] == "secret")
    }

    @Test("the file keeps its owner when root installs into it", .enabled(if: geteuid() == 0, "only root can chown"))
    func keepsOwner() throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let file = self.directory.appendingPathComponent("mcp.json")
        try self.write("{}", to: file, mode: 0o600)
        try #require(chown(file.path, 65534, 65534) == 0)
        let outcome = try HostConfig.install(into: file, name: "a", entry: self.entry("https://a.example.com/mcp"))
        let info = try self.attributes(file.path)
        #expect(info.st_uid == 65534 && info.st_gid == 65534)
        if case .updated(let backup) = outcome {
            let backupInfo = try self.attributes(backup.path)
            #expect(backupInfo.st_uid == 65534 && backupInfo.st_gid == 65534)
        } else {
            Issue.record("expected an update, got \(outcome)")
        }
    }

    @Test("a symlink stays a symlink: its target is replaced, beside the target")
    func followsSymlink() throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let target = self.directory.appendingPathComponent("dotfiles/cursor-mcp.json")
        try self.write("{}", to: target, mode: 0o600)
        let link = self.directory.appendingPathComponent("home/.cursor/mcp.json")
        try FileManager.default.createDirectory(
            at: link.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        // A relative link, as dotfiles managers make them.
        try #require(symlink("../../dotfiles/cursor-mcp.json", link.path) == 0)

        let outcome = try HostConfig.install(into: link, name: "a", entry: self.entry("https://a.example.com/mcp"))
        #expect(try self.attributes(link.path).st_mode & S_IFMT == S_IFLNK)
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "../../dotfiles/cursor-mcp.json"
        )
        let merged = try JSONValue(parsing: Array(try Data(contentsOf: target)))
        #expect(merged["mcpServers"]?["a"] != nil)
        #expect(Int(try self.attributes(target.path).st_mode & 0o777) == 0o600)
        guard case .updated(let backup) = outcome else {
            Issue.record("expected an update, got \(outcome)")
            return
        }
        // The backup is beside the target (the same directory, however its path is spelled).
        let backupDirectory = try self.attributes(backup.deletingLastPathComponent().path)
        let targetDirectory = try self.attributes(target.deletingLastPathComponent().path)
        #expect(backupDirectory.st_ino == targetDirectory.st_ino && backupDirectory.st_dev == targetDirectory.st_dev)
        // Nothing but the link in the link's directory: no stray temporary file or backup there.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: link.deletingLastPathComponent().path) == ["mcp.json"]
        )
    }

    @Test("installs within one second each keep their own backup")
    func uniqueBackups() throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let file = self.directory.appendingPathComponent("mcp.json")
        try self.write(#"{"v":0}"#, to: file, mode: 0o600)
        var versions: [String] = []
        for index in 1...3 {
            versions.append(try String(contentsOf: file, encoding: .utf8))
            let outcome = try HostConfig.install(
                into: file,
                name: "s\(index)",
                entry: self.entry("https://s\(index).example.com/mcp")
            )
            guard case .updated = outcome else {
                Issue.record("expected an update, got \(outcome)")
                return
            }
        }
        let backups = try self.backups(of: file)
        #expect(backups.count == 3)
        // Each backup holds the version it replaced; none was overwritten by a later install.
        let contents = try backups.map {
            try String(contentsOf: self.directory.appendingPathComponent($0), encoding: .utf8)
        }
        #expect(Set(contents) == Set(versions))
    }

    @Test("a new file, and a directory made for it, are private")
    func newFilePrivate() throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let file = self.directory.appendingPathComponent("new/.cursor/mcp.json")
        let outcome = try HostConfig.install(into: file, name: "a", entry: self.entry("https://a.example.com/mcp"))
        #expect(outcome == .created)
        #expect(Int(try self.attributes(file.path).st_mode & 0o777) == 0o600)
        #expect(Int(try self.attributes(file.deletingLastPathComponent().path).st_mode & 0o777) == 0o700)
        #expect(try self.backups(of: file).isEmpty)
    }
}
