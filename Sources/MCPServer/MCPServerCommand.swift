import ArgumentParser
import MCPServerCore

/// `mcp-server`: a remote MCP server with its own OAuth authorization server.
@main
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "A remote MCP server (Streamable HTTP, every protocol era) on an embedded SQLite store.",
        version: RemoteMCP.version,
        subcommands: [ServeCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
