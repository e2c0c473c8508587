public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The desktop apps whose configuration the bridge can print or install.
public enum HostApp: String, Sendable, CaseIterable {
    case claude
    case cursor
    case claudeCode = "claude-code"

    /// The app's global MCP configuration file for this user, when the app keeps one in a file.
    public func configFile(environment: [String: String]) -> URL? {
        #if os(Windows)
        // Windows apps find the profile in USERPROFILE; HOME is usually unset there.
        let home =
            environment["USERPROFILE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        #else
        let home =
            environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        #endif
        switch self {
        case .claude:
            #if os(macOS)
            return home.appendingPathComponent("Library/Application Support/Claude/claude_desktop_config.json")
            #elseif os(Windows)
            // Claude Desktop keeps its config in the roaming application data folder.
            let appData =
                environment["APPDATA"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
                ?? home.appendingPathComponent("AppData/Roaming")
            return appData.appendingPathComponent("Claude/claude_desktop_config.json")
            #else
            // No official Linux build; the community builds read the XDG location.
            let base =
                environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
                ?? home.appendingPathComponent(".config")
            return base.appendingPathComponent("Claude/claude_desktop_config.json")
            #endif
        case .cursor:
            return home.appendingPathComponent(".cursor/mcp.json")
        case .claudeCode:
            return nil
        }
    }
}

/// Builds and merges the `mcpServers` entries that launch the bridge.
public enum HostConfig {
    /// The entry that launches `bridgePath` for `serverURL`: `{"command": ..., "args": [...]}`. Desktop apps do not
    /// inherit the shell's PATH, so the command is an absolute path.
    public static func entry(bridgePath: String, serverURL: URL, extraArguments: [String] = []) -> JSONValue {
        .object([
            "command": .string(bridgePath),
            "args": .array((extraArguments + [serverURL.absoluteString]).map { .string($0) }),
        ])
    }

    /// The text to paste for `app`; `extraArguments` are bridge options (`--client-id`, `--callback-port`, …),
    /// each its own argument, so nothing is split or re-quoted on the way (Windows hosts mangle spaces in one).
    public static func snippet(
        for app: HostApp,
        name: String,
        bridgePath: String,
        serverURL: URL,
        extraArguments: [String] = []
    ) -> String {
        switch app {
        case .claude, .cursor:
            let entry = self.entry(bridgePath: bridgePath, serverURL: serverURL, extraArguments: extraArguments)
            return JSONPrettyPrinter.print(.object(["mcpServers": .object([name: entry])]))
        case .claudeCode:
            let command = ([bridgePath] + extraArguments + [serverURL.absoluteString]).map(self.shellQuoted)
            return "claude mcp add --scope user \(self.shellQuoted(name)) -- \(command.joined(separator: " "))"
        }
    }

    /// What ``install(into:name:entry:)`` did.
    public enum InstallOutcome: Sendable, Equatable {
        /// The file did not exist and was created.
        case created
        /// The entry was added or changed; the previous file was saved at `backup`.
        case updated(backup: URL)
        /// The entry was already exactly this; nothing was written.
        case unchanged
    }

    /// Merges `entry` under `mcpServers.name` in the JSON file at `file`, keeping every other key. Writes a backup
    /// of the old file first, replaces the file atomically, and refuses a file it cannot parse.
    ///
    /// The file keeps its mode and owner, a symlink keeps pointing at the file it names (which is what gets
    /// replaced), and a new file is 0600 (see ``ConfigFileWriter``).
    public static func install(into file: URL, name: String, entry: JSONValue) throws(BridgeError) -> InstallOutcome {
        let target = try ConfigFileWriter.resolve(file.path)
        let existing = try ConfigFileWriter.load(target)
        var document: [String: JSONValue] = [:]
        if let data = existing?.data {
            let trimmed = data.filter { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
            if !trimmed.isEmpty {
                guard case .object(let object) = try? JSONValue(parsing: Array(data)) else {
                    throw .configuration(
                        "\(file.path) is not a JSON object; fix or move it, then run this again (nothing was changed)"
                    )
                }
                document = object
            }
        }
        var servers: [String: JSONValue] = [:]
        if let existing = document["mcpServers"] {
            guard case .object(let object) = existing else {
                throw .configuration("\"mcpServers\" in \(file.path) is not an object; nothing was changed")
            }
            servers = object
        }
        if servers[name] == entry { return .unchanged }
        servers[name] = entry
        document["mcpServers"] = .object(servers)
        let text = Data((JSONPrettyPrinter.print(.object(document)) + "\n").utf8)
        let directory = URL(fileURLWithPath: target).deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.path) {
            do {
                // Private like the file: the app has not made its directory yet, so nothing else is in it.
                try FileManager.default.createDirectory(
                    at: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw .configuration("could not create \(directory.path): \(error)")
            }
        }
        guard let existing else {
            try ConfigFileWriter.replace(target, with: text, like: nil)
            return .created
        }
        let backup = try ConfigFileWriter.writeBackup(of: existing, at: target)
        try ConfigFileWriter.replace(target, with: text, like: existing)
        return .updated(backup: URL(fileURLWithPath: backup))
    }

    static func shellQuoted(_ text: String) -> String {
        // ASCII letters and digits only: any other character, a non-ASCII letter included, gets quoted.
        // An empty argument must stay one (empty) word, so it is quoted too.
        let safe =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9": true
                default: "-_./:@=+,".unicodeScalars.contains(scalar)
                }
            }
        guard !safe else { return text }
        // By scalar, not by Character: an apostrophe followed by a combining mark is one Character, and the shell
        // would still see the apostrophe.
        var quoted = "'"
        for scalar in text.unicodeScalars {
            if scalar == "'" { quoted += "'\\''" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "'"
    }
}

/// Indented JSON for files people read and edit (two spaces, keys sorted, numbers as written).
public enum JSONPrettyPrinter {
    public static func print(_ value: JSONValue) -> String {
        var out = ""
        self.write(value, indent: 0, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, to out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (index, key) in members.keys.sorted().enumerated() {
                out += pad + JSONValue.string(key).serializedString() + ": "
                self.write(members[key]!, indent: indent + 1, to: &out)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        case .array(let elements) where !elements.isEmpty:
            out += "[\n"
            for (index, element) in elements.enumerated() {
                out += pad
                self.write(element, indent: indent + 1, to: &out)
                out += index == elements.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        default:
            out += value.serializedString()
        }
    }
}
