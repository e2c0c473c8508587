import ArgumentParser
import MCPBridgeCore
import MCPCommandLine
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
#elseif canImport(FoundationEssentials)
// `Bundle`, which FoundationEssentials lacks; full Foundation is part of the system on macOS and Windows.
import Foundation
#endif

/// `mcp-bridge config claude|cursor|claude-code <url>`: prints the snippet to paste.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the configuration snippet for Claude Desktop, Cursor or Claude Code."
    )

    @Argument(help: "The client to configure.")
    var app: HostApp

    @Argument(help: "The MCP endpoint URL.")
    var url: String

    @Option(help: "The server's name in the client. (default: from the host name)")
    var name: String?

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp(
            "Options for the bridge, after --: for example -- --client-id ID --client-secret-file FILE --callback-port 33418.",
            valueName: "bridge-option"
        )
    )
    var bridgeOptions: [String] = []

    func run() throws {
        let app = self.app
        let serverURL = try HostCommandSupport.url(self.url)
        let name = self.name ?? HostCommandSupport.defaultName(for: serverURL)
        print(
            HostConfig.snippet(
                for: app,
                name: name,
                bridgePath: HostCommandSupport.executablePath(),
                serverURL: serverURL,
                extraArguments: self.bridgeOptions
            )
        )
        if let file = app.configFile(environment: ProcessInfo.processInfo.environment) {
            StandardStream.error.write(
                "Merge this into \(file.path), or run `mcp-bridge install \(app.rawValue) \(self.url)`.\n"
            )
        }
    }
}

/// `mcp-bridge install claude|cursor <url>`: merges the entry into the app's config file.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Add the server to Claude Desktop's or Cursor's config file (keeps other entries, writes a backup)."
    )

    @Argument(help: "The client whose config file to change: claude or cursor.")
    var app: HostApp

    @Argument(help: "The MCP endpoint URL.")
    var url: String

    @Option(help: "The server's name in the client. (default: from the host name)")
    var name: String?

    @Option(help: "The config file to change (default: the app's usual location for this user).")
    var configFile: String?

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp(
            "Options for the bridge, after --: for example -- --client-id ID --client-secret-file FILE --callback-port 33418.",
            valueName: "bridge-option"
        )
    )
    var bridgeOptions: [String] = []

    func run() throws {
        let app = self.app
        guard app != .claudeCode else {
            throw ValidationError(
                "Claude Code keeps no config file to change; run `mcp-bridge config claude-code \(self.url)`"
            )
        }
        let serverURL = try HostCommandSupport.url(self.url)
        let name = self.name ?? HostCommandSupport.defaultName(for: serverURL)
        guard
            let file = self.configFile.map({ URL(fileURLWithPath: $0) })
                ?? app.configFile(environment: ProcessInfo.processInfo.environment)
        else {
            throw ValidationError("no config file location is known for \(app.rawValue); pass --config-file")
        }
        let entry = HostConfig.entry(
            bridgePath: HostCommandSupport.executablePath(),
            serverURL: serverURL,
            extraArguments: self.bridgeOptions
        )
        switch try HostConfig.install(into: file, name: name, entry: entry) {
        case .created: print("Created \(file.path) with server \"\(name)\".")
        case .updated(let backup): print("Added server \"\(name)\" to \(file.path) (previous version: \(backup.path)).")
        case .unchanged: print("\(file.path) already has server \"\(name)\" exactly like this; nothing changed.")
        }
        print("Restart \(app == .claude ? "Claude Desktop" : "Cursor") to pick it up.")
    }
}

enum HostCommandSupport {
    static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else {
            throw ValidationError("\(text) is not an http(s) URL")
        }
        return url
    }

    /// "mcp-example-com" for https://mcp.example.com/mcp; the port is kept when it is not the default.
    static func defaultName(for url: URL) -> String {
        var name = (url.host ?? "remote").replacing(".", with: "-")
        if let port = url.port { name += "-\(port)" }
        return name
    }

    /// This binary's absolute path: desktop apps do not search the shell's PATH.
    static func executablePath() -> String {
        #if os(Linux)
        // What Foundation's `Bundle.main.executablePath` reads there too; FoundationEssentials has no `Bundle`.
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        // A result that fills the buffer may have been cut short: the fallback below is better than half a path.
        if count > 0 && count < buffer.count - 1 {
            return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        #else
        if let path = Bundle.main.executablePath { return path }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
