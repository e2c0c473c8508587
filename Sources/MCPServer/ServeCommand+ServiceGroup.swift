import Logging
import ServiceLifecycle
import UnixSignals

extension ServeCommand {
    /// How long SIGTERM or SIGINT waits for open requests before it cancels them.
    ///
    /// Listen streams and legacy questions end gracefully at once, but a response write waiting on a client that
    /// stopped reading ends only with its deadline or the connection; shutdown must not wait for that.
    static let gracefulShutdownTimeout: Duration = .seconds(10)

    /// The service group `serve` runs: the application, shut down on SIGTERM or SIGINT within
    /// ``gracefulShutdownTimeout``, then cancelled.
    static func serviceGroupConfiguration(_ service: some Service, logger: Logger) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(
            services: [service],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = Self.gracefulShutdownTimeout
        return configuration
    }
}
