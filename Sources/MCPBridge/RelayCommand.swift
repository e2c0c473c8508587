import ArgumentParser
import Logging
import MCPBridgeCore
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The default command: relay stdio to the server.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Relay MCP between stdin/stdout and the server (what Claude Desktop and Cursor run)."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        // A host that goes away must not kill the bridge mid-write; the write just fails.
        signal(SIGPIPE, SIG_IGN)
        let context = try self.connection.makeContext()
        let settings = context.settings
        let logger = context.logger
        let output = HostOutput()
        let relay = Relay(
            connection: context.makeConnection(sink: output),
            output: output,
            shutdownGrace: min(settings.network.timeout, .seconds(10)),
            logger: logger
        )
        logger.debug(
            "Relaying",
            metadata: ["server": "\(settings.serverURL.absoluteString)", "transport": "\(settings.transport.rawValue)"]
        )
        await relay.run(input: HostInput.lines(maxLineBytes: settings.maxMessageBytes))
        await context.shutdown()
    }
}
