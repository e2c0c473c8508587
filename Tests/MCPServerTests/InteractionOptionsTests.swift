import ArgumentParser
import Logging
import MCPServerCore
import ServiceLifecycle
import Testing

@testable import MCPServer

/// `serve`'s bounds on listen streams and questions (the Lambda entry parses the same flags), and how long SIGTERM
/// waits before it cancels.
@Suite("Listen and question bounds on the command line")
struct InteractionOptionsTests {
    @Test func defaultsAreTheDispatchersOwn() throws {
        let limits = try ServeCommand.parse([]).resolve(environment: [:]).limits
        #expect(limits == InteractionLimits())
    }

    @Test func flagThenEnvironmentThenDefault() throws {
        let environment = [
            "MCP_SERVER_MAX_LISTENERS": "100", "MCP_SERVER_MAX_LISTENERS_PER_CLIENT": "3",
            "MCP_SERVER_LISTEN_LIFETIME": "600", "MCP_SERVER_MAX_QUESTIONS": "20",
            "MCP_SERVER_MAX_QUESTIONS_PER_CLIENT": "2", "MCP_SERVER_QUESTION_TIMEOUT": "30",
        ]
        let fromEnvironment = try ServeCommand.parse([]).resolve(environment: environment).limits
        #expect(fromEnvironment.maxListeners == 100)
        #expect(fromEnvironment.maxListenersPerClient == 3)
        #expect(fromEnvironment.listenLifetime == .seconds(600))
        #expect(fromEnvironment.maxPendingQuestions == 20)
        #expect(fromEnvironment.maxQuestionsPerClient == 2)
        #expect(fromEnvironment.questionTimeout == .seconds(30))
        let fromFlags = try ServeCommand.parse(["--max-listeners-per-client", "5", "--question-timeout", "90"])
            .resolve(environment: environment).limits
        #expect(fromFlags.maxListenersPerClient == 5)
        #expect(fromFlags.questionTimeout == .seconds(90))
        #expect(fromFlags.maxListeners == 100)
    }

    @Test(
        arguments: [
            (["--max-listeners", "0"], [String: String]()), (["--question-timeout", "1"], [:]),
            ([], ["MCP_SERVER_LISTEN_LIFETIME": "100000"]), ([], ["MCP_SERVER_MAX_QUESTIONS_PER_CLIENT": "many"]),
        ]
    )
    func outOfRangeValuesAreRefused(_ arguments: [String], _ environment: [String: String]) throws {
        let command = try ServeCommand.parse(arguments)
        #expect(throws: ValidationError.self) { try command.resolve(environment: environment) }
    }

    @Test func helpNamesEachFlagItsVariableAndDefault() {
        let help = MCPServerCommand.helpMessage(for: ServeCommand.self, columns: 1000)
        for (flag, variable, value) in [
            ("--max-listeners-per-client", "MCP_SERVER_MAX_LISTENERS_PER_CLIENT", "8"),
            ("--question-timeout", "MCP_SERVER_QUESTION_TIMEOUT", "60"),
            ("--listen-lifetime", "MCP_SERVER_LISTEN_LIFETIME", "3600"),
        ] {
            #expect(help.contains(flag))
            #expect(help.contains(variable))
            #expect(help.contains("default: \(value)"))
        }
    }

    @Test func shutdownWaitsTenSecondsThenCancels() {
        struct Idle: Service {
            func run() async throws {}
        }
        let configuration = ServeCommand.serviceGroupConfiguration(Idle(), logger: Logger(label: "test"))
        #expect(configuration.maximumGracefulShutdownDuration == .seconds(10))
        #expect(configuration.gracefulShutdownSignals.count == 2)
        #expect(configuration.services.count == 1)
    }
}
