import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MCPServerCore
import MCPServerLambda

/// `mcp-server` as a Lambda function: what runs when `AWS_LAMBDA_RUNTIME_API` is set.
///
/// Configuration is `serve`'s (flags in the `bootstrap` script, or the same `MCP_SERVER_*` variables), with
/// DynamoDB as the default store. Anything that stops start-up is reported to the Runtime API's `init/error`
/// before the process exits, so it shows in the function's error metrics and logs rather than as a timeout.
enum LambdaEntry {
    static func run(runtimeAPI: String, arguments: [String]) async -> Never {
        let startTime = ContinuousClock.now
        let runtime = LambdaRuntimeClient(endpoint: runtimeAPI)
        let started: Started
        do {
            started = try await self.start(runtime: runtime, arguments: arguments)
        } catch {
            let message = (error as? ValidationError)?.message ?? "\(error)"
            FileHandle.standardError.write(Data("mcp-server: cannot start on Lambda: \(message)\n".utf8))
            do {
                try await runtime.initFailed(LambdaFunctionError(type: "Runtime.InitError", message: message))
            } catch {
                FileHandle.standardError.write(Data("mcp-server: cannot report the start-up error: \(error)\n".utf8))
            }
            exit(1)
        }
        let logger = started.logger
        logger.info(
            "Lambda runtime ready",
            metadata: ["init_ms": "\((ContinuousClock.now - startTime).inMilliseconds)"]
        )
        do {
            try await started.host.run()
        } catch {
            logger.critical("Lambda runtime stopped", metadata: ["error": "\(error)"])
            try? await started.store.shutdown()
            exit(1)
        }
        try? await started.store.shutdown()
        exit(0)
    }

    /// What start-up made; the store is kept here because nothing else may hold it (`--auth none`).
    private struct Started {
        var host: LambdaHost<RouterResponder<LambdaRequestContext>>
        var logger: Logger
        var store: any ServerStore
    }

    private static func start(
        runtime: LambdaRuntimeClient,
        arguments: [String]
    ) async throws -> Started {
        let environment = ProcessInfo.processInfo.environment
        let command = try ServeCommand.parse(arguments)
        let settings = try command.resolve(environment: environment, lambda: true)
        let logger = ServeCommand.bootstrapLogging(settings)
        if settings.auth.configuration.enabled, case .store = settings.auth.keySource, settings.auth.keySecretID == nil
        {
            throw ValidationError(
                """
                on Lambda the signing key must come from Secrets Manager (MCP_SERVER_SIGNING_KEY_SECRET) or the \
                environment (MCP_SERVER_SIGNING_KEY, MCP_SERVER_HS256_SECRET), so every instance signs and verifies \
                with the same key
                """
            )
        }
        let store = try await StoreOptions.open(settings.store, logger: logger)
        logger.debug("Opened the store", metadata: settings.store.logMetadata)
        let authorizationServer: AuthorizationServer?
        do {
            authorizationServer = try await command.auth.makeAuthorizationServer(
                settings: settings.auth,
                store: store,
                logger: logger
            )
        } catch {
            try? await store.shutdown()
            throw error
        }
        let dependencies = ServerDependencies(
            configuration: settings.server,
            dispatcher: MCPDispatcher(catalog: .builtIn, streamsProgress: false),
            store: store,
            // Without a configured public URL, each request's URLs follow its event's domain and stage.
            baseURL: settings.server.publicURL.map(BaseURLSource.fixed) ?? .requestContext,
            authorizationServer: authorizationServer
        )
        let router = buildRouter(context: LambdaRequestContext.self, dependencies: dependencies)
        let metricsOff = ["off", "false", "0"].contains(environment["MCP_SERVER_METRICS"]?.lowercased() ?? "")
        let host = LambdaHost(
            runtime: runtime,
            responder: router.buildResponder(),
            metrics: metricsOff
                ? nil
                : EmbeddedMetrics(
                    namespace: environment["MCP_SERVER_METRICS_NAMESPACE"] ?? "RemoteMCP",
                    functionName: environment["AWS_LAMBDA_FUNCTION_NAME"] ?? "mcp-server"
                ),
            logger: logger
        )
        return Started(host: host, logger: logger, store: store)
    }
}
