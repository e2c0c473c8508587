import ArgumentParser
import MCPBridgeCore
import MCPCommandLine
import MCPWire
import NIOCore
import NIOPosix

#if os(Linux)
/// glibc's `mallopt(3)`; its header is not part of the Glibc module.
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// `mcp-bridge`: connects a desktop MCP client (Claude Desktop, Cursor) to a remote MCP server.
@main
struct MCPBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-bridge",
        abstract: "Connect a local MCP client (Claude Desktop, Cursor, Claude Code) to a remote MCP server.",
        discussion: """
            Run `mcp-bridge <url>` from the client's config: it speaks MCP over stdin/stdout and relays to the \
            server over HTTPS, registering and fetching tokens by itself when the server uses OAuth.
            """,
        version: RemoteMCP.version,
        subcommands: [
            RelayCommand.self, LoginCommand.self, RegisterCommand.self, TokenCommand.self, StatusCommand.self,
            LogoutCommand.self,
            ConfigCommand.self, InstallCommand.self, DoctorCommand.self,
        ],
        defaultSubcommand: RelayCommand.self
    )

    static func main() async {
        #if os(Linux)
        // One malloc arena instead of one per thread: the bridge is small and mostly waits, and per-thread
        // arenas would make a dozen threads cost megabytes of resident memory each.
        _ = mallopt(-8, 1)  // M_ARENA_MAX
        #endif
        // One event loop runs everything (tasks, HTTP connections): a relay mostly waits, and every hop between
        // threads is a wake-up that adds latency to each call (measured with bench/bridge.sh).
        NIOSingletons.groupLoopCountSuggestion = 1
        GlobalExecutor.runOnEventLoops()
        await Self.main(nil)
    }
}
