public import Hummingbird
public import HummingbirdCore
public import Logging
import NIOCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Composes the local HTTP server: the shared router, the store as a service, and a callback when ready.
public enum MCPServerApplication {
    /// A server for `dispatcher` on `store`: the shape for embedding your own tools (README).
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
        Self.make(
            dependencies: ServerDependencies(
                configuration: configuration,
                dispatcher: dispatcher,
                store: store,
                baseURL: configuration.baseURLSource,
                authorizationServer: authorizationServer
            ),
            configuration: configuration,
            logger: logger,
            onReady: onReady
        )
    }

    /// The application `mcp-server serve` runs, from already assembled dependencies; their store is its first
    /// service.
    /// - Parameter server: HTTP/1.1, or HTTPS (`.tls(…)` from HummingbirdTLS).
    public static func make(
        dependencies: ServerDependencies,
        configuration: ServerConfiguration,
        server: HTTPServerBuilder = .http1(),
        logger: Logger,
        onReady: @escaping @Sendable (URL) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(context: LocalRequestContext.self, dependencies: dependencies),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "remote-mcp"
            ),
            services: [dependencies.store],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                await onReady(configuration.baseURL(boundPort: port).appendingPathComponent("mcp"))
            },
            logger: logger
        )
    }
}
