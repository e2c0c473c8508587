import ArgumentParser
import Foundation
import Logging
import MCPServerCore
import Testing

@testable import MCPServer

struct ServeCommandTests {
    @Test func defaultsAreLoopbackAndSafe() throws {
        let command = try ServeCommand.parse([])
        let settings = try command.resolve(environment: ["HOME": "/home/u"])
        #expect(settings.server.host == "127.0.0.1")
        #expect(settings.server.port == 8080)
        #expect(settings.server.maxBodyBytes == 4 * 1024 * 1024)
        #expect(settings.server.publicURL == nil)
        #expect(settings.logLevel == .info)
        #expect(settings.logFormat == .json)
        #if os(Linux)
        #expect(settings.store == .sqlite(path: "/home/u/.local/share/remote-mcp/mcp-server.sqlite"))
        #endif
    }

    @Test func environmentFillsWhatFlagsLeaveOut() throws {
        let environment = [
            "MCP_SERVER_HOST": "::1", "MCP_SERVER_PORT": "0", "MCP_SERVER_DATABASE": "/tmp/x.sqlite",
            "MCP_SERVER_PUBLIC_URL": "https://mcp.example.com/prod/",
            "MCP_SERVER_ALLOWED_ORIGINS": "http://a, http://b",
            "MCP_SERVER_MAX_BODY_BYTES": "65536", "MCP_SERVER_LOG_LEVEL": "debug", "MCP_SERVER_LOG_FORMAT": "text",
        ]
        let settings = try ServeCommand.parse([]).resolve(environment: environment)
        #expect(settings.server.host == "::1")
        #expect(settings.server.port == 0)
        #expect(settings.store == .sqlite(path: "/tmp/x.sqlite"))
        #expect(settings.server.publicURL?.absoluteString == "https://mcp.example.com/prod")
        #expect(settings.server.allowedOrigins == ["http://a", "http://b"])
        #expect(settings.server.maxBodyBytes == 65536)
        #expect(settings.logLevel == .debug)
        #expect(settings.logFormat == .text)
        #expect(
            settings.server.baseURL(boundPort: 1).appendingPathComponent("mcp").absoluteString
                == "https://mcp.example.com/prod/mcp"
        )
    }

    @Test func flagsWinOverEnvironment() throws {
        let command = try ServeCommand.parse([
            "--port", "9000", "--allowed-origin", "http://x", "--allowed-origin", "http://y",
        ])
        let settings = try command.resolve(environment: [
            "MCP_SERVER_PORT": "1", "MCP_SERVER_ALLOWED_ORIGINS": "http://z",
        ])
        #expect(settings.server.port == 9000)
        #expect(settings.server.allowedOrigins == ["http://x", "http://y"])
    }

    @Test(arguments: [
        (["--port", "70000"], [String: String]()),
        ([], ["MCP_SERVER_PORT": "eighty"]),
        (["--public-url", "ftp://x"], [:]),
        (["--public-url", "https://x/?q=1"], [:]),
        ([], ["MCP_SERVER_LOG_LEVEL": "loud"]),
        ([], ["MCP_SERVER_LOG_FORMAT": "xml"]),
        ([], ["MCP_SERVER_STORE": "postgres"]),
        (["--max-body-bytes", "10"], [:]),
    ])
    func badValuesAreRefusedWithAMessage(_ arguments: [String], _ environment: [String: String]) throws {
        let command = try ServeCommand.parse(arguments)
        #expect(throws: ValidationError.self) { try command.resolve(environment: environment) }
    }

    @Test(arguments: [
        ["--log-level", "loud"], ["--log-format", "xml"], ["--store", "postgres"], ["--auth", "maybe"],
        ["--registration", "sometimes"], ["--access-log", "sample:0"], ["--port", "eighty"],
    ])
    func badFlagValuesAreRefusedByTheParser(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try ServeCommand.parse(arguments) }
    }

    @Test func enumOptionsAcceptAnyCaseAndAnEmptyVariableIsUnset() throws {
        let settings = try ServeCommand.parse(["--log-format", "TEXT"]).resolve(environment: [
            "MCP_SERVER_LOG_LEVEL": "Debug", "MCP_SERVER_PORT": "", "MCP_SERVER_AUTH": "",
        ])
        #expect(settings.logFormat == .text)
        #expect(settings.logLevel == .debug)
        #expect(settings.server.port == 8080)
        #expect(settings.auth.configuration.enabled)
    }

    @Test func helpListsEachEnumOptionsValuesAndDefault() {
        let help = MCPServerCommand.helpMessage(for: ServeCommand.self, columns: 1000)
        for expected in [
            "(values: trace, debug, info, notice, warning, error, critical; default: info)",
            "(values: json, text; default: json)", "(values: sqlite, dynamodb; default: sqlite)",
            "(values: jwt, none; default: jwt)", "(values: open, token, closed; default: open)",
            "(values: all, errors, sample:N; default: errors)", "(default: 4194304)", "(default: 3600)",
        ] {
            #expect(help.contains(expected), "\(expected)")
        }
    }

    @Test func serveIsTheDefaultSubcommand() throws {
        let command = try MCPServerCommand.parseAsRoot(["--port", "1234"])
        #expect(command is ServeCommand)
    }

    @Test(arguments: [
        MCPServerCommand.helpMessage(for: ServeCommand.self), MCPServerCommand.helpMessage(for: MCPServerCommand.self),
    ])
    func helpNamesEveryFlagAndItsEnvironmentVariable(_ help: String) {
        for flag in [
            "--host", "--port", "--database", "--public-url", "--allowed-origin", "--max-body-bytes", "--log-level",
            "--log-format", "--auth", "--registration", "--token-ttl", "--signing-key-file", "--hs256-secret-file",
        ] {
            #expect(help.contains(flag), "\(flag)")
        }
        for variable in [
            "MCP_SERVER_HOST", "MCP_SERVER_PORT", "MCP_SERVER_DATABASE", "MCP_SERVER_PUBLIC_URL",
            "MCP_SERVER_ALLOWED_ORIGINS", "MCP_SERVER_MAX_BODY_BYTES", "MCP_SERVER_LOG_LEVEL", "MCP_SERVER_LOG_FORMAT",
            "MCP_SERVER_AUTH",
            "MCP_SERVER_REGISTRATION_TOKEN", "MCP_SERVER_TOKEN_TTL", "MCP_SERVER_SIGNING_KEY",
            "MCP_SERVER_HS256_SECRET",
        ] {
            #expect(help.contains(variable), "\(variable)")
        }
    }
}
