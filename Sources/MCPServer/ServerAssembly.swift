import ArgumentParser
import Logging
import MCPServerCore
import MCPWire

/// The one place a server is put together, whichever host runs it: the store, the authorization server and the
/// router's dependencies. The host adds its own service (the HTTP server or the Lambda loop) after the store.
struct ServerAssembly: Sendable {
    var dependencies: ServerDependencies
    /// The first service to start and the last to stop, so no request is left without its database.
    var store: any ServerStore

    /// Opens the store and builds the rest; on failure nothing is left open.
    /// - Throws: ``Failure`` naming the step that failed (the host decides how to report it).
    static func assemble(
        settings: ServeSettings,
        auth: AuthOptions,
        host: HostProfile,
        logger: Logger
    ) async throws -> ServerAssembly {
        if !host.keyMayLiveInStore, settings.auth.configuration.enabled, case .store = settings.auth.keySource,
            settings.auth.keySecretID == nil
        {
            throw Failure(
                step: "Cannot set up authorization",
                detail: """
                    on Lambda the signing key must come from Secrets Manager (MCP_SERVER_SIGNING_KEY_SECRET) or the \
                    environment (MCP_SERVER_SIGNING_KEY, MCP_SERVER_HS256_SECRET), so every instance signs and \
                    verifies with the same key
                    """,
                metadata: [:]
            )
        }
        let store: any ServerStore
        do {
            store = try await StoreOptions.open(settings.store, logger: logger)
        } catch {
            throw Failure(step: "Cannot open the store", detail: "\(error)", metadata: settings.store.logMetadata)
        }
        logger.info("Opened the store", metadata: settings.store.logMetadata)
        let authorizationServer: AuthorizationServer?
        do {
            authorizationServer = try await auth.makeAuthorizationServer(
                settings: settings.auth,
                store: store,
                logger: logger
            )
        } catch {
            try? await store.shutdown()
            throw Failure(
                step: "Cannot set up authorization",
                detail: (error as? ValidationError)?.message ?? "\(error)",
                metadata: [:]
            )
        }
        let dispatcher = MCPDispatcher(
            catalog: .builtIn,
            streamsProgress: host.streamsProgress,
            protocolVersions: settings.protocolVersions,
            limits: settings.limits,
            // A retry may reach another instance (Lambda, or `serve` processes sharing a store): they all derive the
            // request-state keys from the signing keys they share, configured or stored. Without authentication
            // there is no shared key, so the key is random per process and a retry must reach the same one.
            requestStateKeys: authorizationServer.map { .derived(from: $0.keyRing) } ?? .random(),
            // With authentication on, machine clients get tokens by client credentials (secret, private_key_jwt or
            // certificate): the extension's servers say so in their capabilities.
            extensions: authorizationServer == nil ? [:] : [MCPExtension.oauthClientCredentials: [:]]
        )
        logger.debug("Protocol versions served", metadata: ["versions": "\(settings.protocolVersions)"])
        let dependencies = ServerDependencies(
            configuration: settings.server,
            dispatcher: dispatcher,
            store: store,
            baseURL: host.baseURL,
            authorizationServer: authorizationServer
        )
        return ServerAssembly(dependencies: dependencies, store: store)
    }

    /// Why a server could not be put together: the step, and what went wrong (for the log and Lambda's
    /// `init/error`).
    struct Failure: Error, CustomStringConvertible {
        var step: String
        var detail: String
        var metadata: Logger.Metadata

        var description: String { "\(self.step): \(self.detail)" }
    }
}
