import ArgumentParser
import MCPBridgeCore
import NIOCore
import Testing

@testable import MCPBridge

/// The bridge's options read the environment the way the server's do: the flag, then the variable (an empty
/// one is unset), then the default the declaration names.
struct ConnectionOptionsTests {
    static let url = "https://mcp.example.com/mcp"
    static let home = ["MCP_BRIDGE_HOME": "/nonexistent/mcp-bridge"]

    @Test func defaultsComeFromTheDeclarations() throws {
        let settings = try ConnectionOptions.parse([Self.url]).settings(environment: Self.home)
        #expect(settings.transport == .auto)
        #expect(settings.network.timeout == .seconds(NetworkSettings.defaultTimeoutSeconds))
        #expect(settings.maxMessageBytes == BridgeSettings.defaultMaxMessageBytes)
        #expect(settings.refreshMargin == Double(BridgeSettings.defaultRefreshMarginSeconds))
    }

    @Test func theFlagWinsThenTheVariableAndAnEmptyVariableIsUnset() throws {
        let environment = Self.home.merging([
            "MCP_BRIDGE_TRANSPORT": "SSE", "MCP_BRIDGE_TIMEOUT": "", "MCP_BRIDGE_MAX_MESSAGE_BYTES": "70000",
            "MCP_BRIDGE_CA_FILE": "",
        ]) { $1 }
        let fromEnvironment = try ConnectionOptions.parse([Self.url]).settings(environment: environment)
        #expect(fromEnvironment.transport == .sse)
        #expect(fromEnvironment.network.timeout == .seconds(NetworkSettings.defaultTimeoutSeconds))
        #expect(fromEnvironment.maxMessageBytes == 70000)
        #expect(fromEnvironment.network.caFile == nil)
        let fromFlags = try ConnectionOptions.parse([Self.url, "--transport", "http", "--timeout", "5"])
            .settings(environment: environment)
        #expect(fromFlags.transport == .http)
        #expect(fromFlags.network.timeout == .seconds(5))
    }

    @Test(arguments: [["MCP_BRIDGE_TRANSPORT": "carrier-pigeon"], ["MCP_BRIDGE_TIMEOUT": "soon"]])
    func badVariablesAreRefusedWithTheirName(_ variable: [String: String]) throws {
        let options = try ConnectionOptions.parse([Self.url])
        #expect {
            try options.settings(environment: Self.home.merging(variable) { $1 })
        } throws: { error in
            (error as? ValidationError)?.message.contains(variable.keys.first!) == true
        }
    }

    @Test func badFlagValuesAreRefusedByTheParserWhichListsTheValues() {
        #expect(throws: (any Error).self) { try ConnectionOptions.parse([Self.url, "--transport", "carrier-pigeon"]) }
        #expect(throws: (any Error).self) { try ConnectionOptions.parse([Self.url, "--log-level", "loud"]) }
        let help = MCPBridgeCommand.helpMessage(for: RelayCommand.self, columns: 1000)
        #expect(help.contains("(values: auto, http, sse; default: auto)"))
        #expect(help.contains("(values: trace, debug, info, notice, warning, error, critical; default: info)"))
        #expect(help.contains("(env: MCP_BRIDGE_TRANSPORT)"))
    }
}
