import ArgumentParser
import MCPCommandLine
import MCPServerCore

/// The flags of `serve` that bound what clients can hold open: listen streams and legacy-era questions.
struct InteractionOptions: ParsableArguments {
    /// The defaults the options name: the dispatcher's own.
    private static let defaults = InteractionLimits()

    @Option(help: "Open subscriptions/listen streams at most. (env: MCP_SERVER_MAX_LISTENERS)")
    var maxListeners: OptionValue<Int> = .default(Self.defaults.maxListeners)

    @Option(help: "Open subscriptions/listen streams per client at most. (env: MCP_SERVER_MAX_LISTENERS_PER_CLIENT)")
    var maxListenersPerClient: OptionValue<Int> = .default(Self.defaults.maxListenersPerClient)

    @Option(
        help: """
            Seconds a subscriptions/listen stream stays open before the server ends it (never past the access \
            token's expiry). (env: MCP_SERVER_LISTEN_LIFETIME)
            """
    )
    var listenLifetime: OptionValue<Int> = .default(Int(Self.defaults.listenLifetime.components.seconds))

    @Option(help: "Legacy-era questions waiting for an answer at most. (env: MCP_SERVER_MAX_QUESTIONS)")
    var maxQuestions: OptionValue<Int> = .default(Self.defaults.maxPendingQuestions)

    @Option(
        help:
            "Legacy-era questions waiting for an answer per client at most. (env: MCP_SERVER_MAX_QUESTIONS_PER_CLIENT)"
    )
    var maxQuestionsPerClient: OptionValue<Int> = .default(Self.defaults.maxQuestionsPerClient)

    @Option(help: "Seconds a legacy-era question waits for its answer. (env: MCP_SERVER_QUESTION_TIMEOUT)")
    var questionTimeout: OptionValue<Int> = .default(Int(Self.defaults.questionTimeout.components.seconds))

    func resolve(_ variables: EnvironmentVariables) throws -> InteractionLimits {
        func value(_ option: OptionValue<Int>, _ env: String, _ flag: String, in range: ClosedRange<Int>) throws -> Int
        {
            let value = try variables.resolve(option, env: env)
            guard range.contains(value) else {
                throw ValidationError("\(flag) must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return value
        }
        var limits = InteractionLimits()
        limits.maxListeners = try value(
            self.maxListeners,
            "MCP_SERVER_MAX_LISTENERS",
            "--max-listeners",
            in: 1...100_000
        )
        limits.maxListenersPerClient = try value(
            self.maxListenersPerClient,
            "MCP_SERVER_MAX_LISTENERS_PER_CLIENT",
            "--max-listeners-per-client",
            in: 1...100_000
        )
        limits.listenLifetime = .seconds(
            try value(self.listenLifetime, "MCP_SERVER_LISTEN_LIFETIME", "--listen-lifetime", in: 10...86_400)
        )
        limits.maxPendingQuestions = try value(
            self.maxQuestions,
            "MCP_SERVER_MAX_QUESTIONS",
            "--max-questions",
            in: 1...100_000
        )
        limits.maxQuestionsPerClient = try value(
            self.maxQuestionsPerClient,
            "MCP_SERVER_MAX_QUESTIONS_PER_CLIENT",
            "--max-questions-per-client",
            in: 1...100_000
        )
        limits.questionTimeout = .seconds(
            try value(self.questionTimeout, "MCP_SERVER_QUESTION_TIMEOUT", "--question-timeout", in: 5...3600)
        )
        return limits
    }
}
