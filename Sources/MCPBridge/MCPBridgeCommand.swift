import ArgumentParser
import MCPBridgeCore
import MCPCommandLine
import MCPWire
import NIOCore
import NIOPosix

/// `mcp-bridge`: connects a desktop MCP client (Claude Desktop, Cursor) to a remote MCP server.
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
}
