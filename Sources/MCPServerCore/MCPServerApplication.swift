public import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// Composes the local HTTP server: the shared router, the store as a service, and a callback when ready.
public enum MCPServerApplication {
    /// The application `mcp-server serve` runs.
    ///
    /// The store is one of the application's services, so it starts before the server and is shut down
    /// after the last in-flight request has been answered.
    /// - Parameter onReady: called once with the MCP endpoint URL when the socket is bound.
    public static func make(
        configuration: ServerConfiguration,
        dispatcher: MCPDispatcher,
        store: any ServerStore,
        authorizationServer: AuthorizationServer? = nil,
        logger: Logger,
        onReady: @escaping @Sendable (URL) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let dependencies = ServerDependencies(
            configuration: configuration,
            dispatcher: dispatcher,
            store: store,
            baseURL: configuration.baseURLSource,
            authorizationServer: authorizationServer
        )
        let router = buildRouter(context: LocalRequestContext.self, dependencies: dependencies)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "remote-mcp"
            ),
            services: [store],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                await onReady(configuration.baseURL(boundPort: port).appendingPathComponent("mcp"))
            },
            logger: logger
        )
    }
}
