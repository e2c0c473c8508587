import Foundation

/// Where `mcp-server` keeps its database when `--database` is not given.
enum DataDirectory {
    /// `~/Library/Application Support/remote-mcp/mcp-server.sqlite` on macOS;
    /// `$XDG_DATA_HOME/remote-mcp/mcp-server.sqlite` (default `~/.local/share`) elsewhere.
    static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        #if os(macOS)
        let base = "\(home)/Library/Application Support"
        #else
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/share"
        #endif
        return "\(base)/remote-mcp/mcp-server.sqlite"
    }
}
