public import Logging
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which transport to speak.
public enum TransportChoice: String, Sendable, CaseIterable {
    /// Streamable HTTP, falling back to legacy HTTP+SSE when the first POST gets 400, 404 or 405.
    case auto
    /// Streamable HTTP only.
    case http
    /// Legacy HTTP+SSE (2024-11-05) only.
    case sse
}

/// Streamable HTTP first; if the first POST is refused the way a legacy server refuses it, the legacy HTTP+SSE
/// transport at the same URL (MCP 2025-03-26 "Backwards Compatibility").
public final class AutoConnection: ServerConnection {
    private let primary: StreamableHTTPConnection
    private let makeLegacy: @Sendable () -> LegacySSEConnection
    private let legacy = NIOLockedValueBox<LegacySSEConnection?>(nil)
    private let switching = SingleFlight<Void>()
    let logger: Logger

    public init(
        primary: StreamableHTTPConnection,
        makeLegacy: @escaping @Sendable () -> LegacySSEConnection,
        logger: Logger
    ) {
        self.primary = primary
        self.makeLegacy = makeLegacy
        self.logger = logger
    }

    public func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        if let legacy = self.legacy.withLockedValue({ $0 }) {
            try await legacy.send(message, to: sink)
            return
        }
        do {
            try await self.primary.send(message, to: sink)
        } catch let suspected as StreamableHTTPConnection.LegacyServerSuspected {
            try await self.switching.run {
                if self.legacy.withLockedValue({ $0 }) != nil { return }
                self.logger.info(
                    "The server refused a Streamable HTTP POST; trying the legacy HTTP+SSE transport",
                    metadata: ["status": "\(suspected.status)"]
                )
                let legacy = self.makeLegacy()
                do {
                    try await legacy.connect()
                } catch {
                    self.logger.debug("Legacy SSE did not work either", metadata: ["error": "\(error)"])
                    throw BridgeError.httpStatus(
                        suspected.status,
                        "and a GET for a legacy SSE stream failed too (\(error))"
                    )
                }
                self.legacy.withLockedValue { $0 = legacy }
            }
            try await self.send(message, to: sink)
        }
    }

    public func close() async {
        if let legacy = self.legacy.withLockedValue({ $0 }) { await legacy.close() }
        await self.primary.close()
    }
}
