import ArgumentParser
import MCPCommandLine
import MCPWire
import NIOCore
import NIOPosix

/// `mcp-server`: a remote MCP server with its own OAuth authorization server.
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "A remote MCP server (Streamable HTTP, every protocol era) on an embedded SQLite store.",
        // The default subcommand's options are the ones people look for, so the root help shows them too.
        discussion: "Without a subcommand, mcp-server runs 'serve':\n\n" + ServeCommand.helpMessage(),
        version: RemoteMCP.version,
        subcommands: [
            ServeCommand.self, ClientsCommand.self, UsersCommand.self, KeysCommand.self, DynamoDBCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    /// The first arguments that run as asked even under Lambda's Runtime API.
    static let operatorCommands = ["clients", "users", "keys", "dynamodb", "help", "--help", "-h", "--version"]

    /// What the program runs (``MCPServerMain``): the Lambda Runtime API loop under Lambda, else the command line.
    static func runProgram() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Lambda starts `bootstrap` with AWS_LAMBDA_RUNTIME_API set: run the Runtime API loop instead of a
        // server, unless an operator command was asked for explicitly.
        if let runtimeAPI = EnvironmentVariables()["AWS_LAMBDA_RUNTIME_API"],
            !Self.operatorCommands.contains(arguments.first ?? "")
        {
            do {
                try await LambdaEntry.run(
                    runtimeAPI: runtimeAPI,
                    arguments: arguments.first == "serve" ? Array(arguments.dropFirst()) : arguments
                )
            } catch {
                Self.exit(withError: error)
            }
            return
        }
        await Self.main(nil)
    }
}
