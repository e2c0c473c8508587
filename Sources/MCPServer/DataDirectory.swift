import MCPCommandLine

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where `mcp-server` keeps its database when `--database` is not given.
enum DataDirectory {
    /// `~/Library/Application Support/remote-mcp/mcp-server.sqlite` on macOS;
    /// `$XDG_DATA_HOME/remote-mcp/mcp-server.sqlite` (default `~/.local/share`) elsewhere.
    static func defaultDatabasePath(environment: EnvironmentVariables = EnvironmentVariables()) -> String {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        #if os(macOS)
        let base = "\(home)/Library/Application Support"
        #else
        let base = environment["XDG_DATA_HOME"] ?? "\(home)/.local/share"
        #endif
        return "\(base)/remote-mcp/mcp-server.sqlite"
    }
}
