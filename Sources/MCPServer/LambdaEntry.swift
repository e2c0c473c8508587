import ArgumentParser
import Hummingbird
import Logging
import MCPCommandLine
import MCPServerCore
import MCPServerLambda
import MCPWire
import ServiceLifecycle
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-server` as a Lambda function: what runs when `AWS_LAMBDA_RUNTIME_API` is set.
///
/// Configuration is `serve`'s (flags in the `bootstrap` script, or the same `MCP_SERVER_*` variables), with
/// DynamoDB as the default store. Anything that stops start-up is reported to the Runtime API's `init/error`, so
/// it shows in the function's error metrics and logs rather than as a timeout; then the command fails.
enum LambdaEntry {
    static func run(runtimeAPI: String, arguments: [String]) async throws {
        let startTime = ContinuousClock.now
        let runtime = LambdaRuntimeClient(endpoint: runtimeAPI)
        let environment = ProcessInfo.processInfo.environment
        let variables = EnvironmentVariables(environment)
        let logger: Logger
        let assembly: ServerAssembly
        do {
            let command = try ServeCommand.parse(arguments)
            let settings = try command.resolve(environment: environment, lambda: true)
            logger = ServeCommand.bootstrapLogging(settings)
            assembly = try await ServerAssembly.assemble(
                settings: settings,
                auth: command.auth,
                host: .lambda(settings.server),
                logger: logger
            )
        } catch {
            let message = (error as? ValidationError)?.message ?? "\(error)"
            StandardStream.error.write("mcp-server: cannot start on Lambda: \(message)\n")
            do {
                try await runtime.initFailed(LambdaFunctionError(type: "Runtime.InitError", message: message))
            } catch {
                StandardStream.error.write("mcp-server: cannot report the start-up error: \(error)\n")
            }
            throw ExitCode.failure
        }
        let metricsOff = ["off", "false", "0"].contains(variables["MCP_SERVER_METRICS"]?.lowercased() ?? "")
        let handler = LambdaInvocationHandler(
            responder: buildRouter(context: LambdaRequestContext.self, dependencies: assembly.dependencies)
                .buildResponder(),
            metrics: metricsOff
                ? nil
                : EmbeddedMetrics(
                    namespace: variables["MCP_SERVER_METRICS_NAMESPACE"] ?? "RemoteMCP",
                    functionName: variables["AWS_LAMBDA_FUNCTION_NAME"] ?? "mcp-server"
                ),
            logger: logger
        )
        // The store first, so it is shut down after the loop has answered the event in hand.
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: assembly.store),
                .init(
                    service: LambdaService(runtime: runtime, handler: handler, logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup
                ),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // As `serve`: a shutdown that would wait longer on an event in hand is cancelled instead.
        configuration.maximumGracefulShutdownDuration = ServeCommand.gracefulShutdownTimeout
        let group = ServiceGroup(configuration: configuration)
        logger.info(
            "Lambda runtime ready",
            metadata: ["init_ms": "\((ContinuousClock.now - startTime).inMilliseconds)"]
        )
        do {
            try await group.run()
        } catch {
            logger.critical("Lambda runtime stopped", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}
