import ArgumentParser
import MCPServerCore
import MCPWire
import Testing

@testable import MCPServer

@Suite("--protocol-versions")
struct ProtocolVersionsOptionTests {
    @Test func defaultIsEveryVersion() throws {
        let settings = try ServeCommand.parse([]).resolve(environment: [:])
        #expect(settings.protocolVersions == .all)
    }

    @Test func flagThenEnvironmentThenDefault() throws {
        let environment = ["MCP_SERVER_PROTOCOL_VERSIONS": "2025-11-25"]
        let fromFlag = try ServeCommand.parse(["--protocol-versions", "2026-07-28"]).resolve(environment: environment)
        #expect(fromFlag.protocolVersions.versions == [.v2026_07_28])
        let fromEnvironment = try ServeCommand.parse([]).resolve(environment: environment)
        #expect(fromEnvironment.protocolVersions.versions == [.v2025_11_25])
        // The Lambda entry resolves the same way (DynamoDB is its default store, which needs credentials).
        let lambda = try ServeCommand.parse([]).resolve(
            environment: [
                "MCP_SERVER_PROTOCOL_VERSIONS": "modern", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
            ],
            lambda: true
        )
        #expect(lambda.protocolVersions.versions == MCPProtocolVersion.modern)
        let unset = try ServeCommand.parse([]).resolve(environment: ["MCP_SERVER_PROTOCOL_VERSIONS": ""])
        #expect(unset.protocolVersions == .all)
    }

    @Test func unknownVersionsAreRefused() throws {
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--protocol-versions", "2026-07-28,2027-01-01"]) }
        let command = try ServeCommand.parse([])
        #expect(throws: ValidationError.self) {
            try command.resolve(environment: ["MCP_SERVER_PROTOCOL_VERSIONS": "latest"])
        }
    }

    @Test func helpNamesTheFlagItsVariableAndDefault() {
        let help = MCPServerCommand.helpMessage(for: ServeCommand.self, columns: 1000)
        #expect(help.contains("--protocol-versions"))
        #expect(help.contains("MCP_SERVER_PROTOCOL_VERSIONS"))
        #expect(help.contains("default: 2024-11-05,2025-03-26,2025-06-18,2025-11-25,2026-07-28"))
    }
}
