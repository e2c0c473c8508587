import AsyncHTTPClient
public import Logging
import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The Streamable HTTP transport (MCP 2025-03-26 and later, including 2026-07-28), client side.
///
/// Every host message is one POST (``StreamableHTTPExchange``). JSON answers are relayed whole; SSE answers are
/// parsed as they arrive (``ResponseStream``), so progress and other notifications reach the host before the
/// final answer. The connection keeps the legacy session (`Mcp-Session-Id`, negotiated `MCP-Protocol-Version`),
/// replays the host's `initialize` when the server forgets the session (404), listens on the server's GET stream
/// once the session is initialized (``ServerStreamListener``), adds the 2026-07-28 request headers (`Mcp-Method`,
/// `Mcp-Name`, `Mcp-Param-*`), and asks the ``Authorizer`` for a token when the server answers 401.
public final class StreamableHTTPConnection: ServerConnection {
    /// Whether a first-contact 4xx without a JSON-RPC body should make the caller try the legacy SSE transport.
    public enum Fallback: Sendable {
        /// `--transport auto`: until the server has answered once, a refusal may mean it is a legacy server.
        case allowed
        /// `--transport http`: refusals are reported as they are.
        case never
    }

    /// Thrown (only while ``Fallback/allowed``) when the server looks like a legacy HTTP+SSE server.
    public struct LegacyServerSuspected: Error, Sendable {
        /// The HTTP status of the refusal (400, 404 or 405).
        public let status: Int
    }

    let session: StreamableHTTPSession
    let exchange: StreamableHTTPExchange
    let listener: ServerStreamListener
    let authorizer: Authorizer
    let http: BridgeHTTP
    let output: any ServerMessageSink
    let logger: Logger
    private let reinitializing = SingleFlight<Void>()

    /// A connection to the MCP endpoint `url`.
    ///
    /// - Parameters:
    ///   - headers: The user's headers, sent on every request.
    ///   - output: Where server messages go: the host.
    ///   - fallback: Whether a legacy-looking refusal of the first POST throws ``LegacyServerSuspected``.
    ///   - maxMessageBytes: The largest JSON answer, and the longest SSE line or event, accepted.
    public init(
        url: URL,
        http: BridgeHTTP,
        authorizer: Authorizer,
        headers: [HeaderField],
        output: any ServerMessageSink,
        fallback: Fallback,
        maxMessageBytes: Int,
        logger: Logger
    ) {
        let session = StreamableHTTPSession(url: url, builder: RequestBuilder(userHeaders: headers))
        let authorized = AuthorizedExchange(http: http, authorizer: authorizer)
        self.session = session
        self.exchange = StreamableHTTPExchange(
            session: session,
            authorized: authorized,
            responseStream: ResponseStream(
                session: session,
                authorized: authorized,
                maxMessageBytes: maxMessageBytes,
                logger: logger
            ),
            fallback: fallback,
            maxMessageBytes: maxMessageBytes,
            logger: logger
        )
        self.listener = ServerStreamListener(
            session: session,
            authorized: authorized,
            output: output,
            maxMessageBytes: maxMessageBytes,
            logger: logger
        )
        self.authorizer = authorizer
        self.http = http
        self.output = output
        self.logger = logger
    }

    /// The session id the server assigned, if any.
    public var sessionID: String? { self.session.current.id }

    public func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        self.session.record(message)
        try await self.send(message, sink: sink)
        if message.method == MCPMethod.initializedNotification { self.listener.start() }
    }

    public func close() async {
        self.listener.stop()
        guard let sessionID = self.sessionID else { return }
        // The token held now, not a renewed one: this is the last request, and it must not hold up the exit.
        let token = await self.authorizer.provider?.current?.accessToken
        do {
            let response = try await self.http.client.execute(
                self.session.request(.DELETE, token: token),
                timeout: .seconds(2),
                logger: nil
            )
            await response.discardBody()
            self.logger.debug("Ended the server session", metadata: ["status": "\(response.status.code)"])
        } catch {
            self.logger.debug(
                "Could not end the server session",
                metadata: ["session": "\(sessionID)", "error": "\(error)"]
            )
        }
    }

    /// Sends `message`, starting a new session once when the server has lost the current one.
    private func send(_ message: HostMessage, sink: any ServerMessageSink) async throws {
        var mayRecoverSession = true
        while true {
            let outcome = try await self.exchange.send(message, sink: sink, mayRecoverSession: mayRecoverSession)
            guard case .sessionLost(let lost) = outcome else { return }
            mayRecoverSession = false
            self.logger.notice("The server lost the session; initializing again", metadata: ["session": "\(lost)"])
            // Concurrent requests that saw the same 404 share one recovery; a later one finds the session replaced.
            try await self.reinitializing.run { try await self.reinitialize(lost: lost) }
        }
    }

    /// Replays the host's `initialize` and `notifications/initialized` without the lost session id; their answers
    /// stay with the bridge (the host already has its own).
    private func reinitialize(lost: String) async throws {
        guard let handshake = self.session.forget(lost), let initialize = handshake.initialize else { return }
        // Without recovery of their own: a replay that waited for this recovery would wait for itself.
        _ = try await self.exchange.send(initialize, sink: DiscardingSink(), mayRecoverSession: false)
        if let initialized = handshake.initialized {
            _ = try await self.exchange.send(initialized, sink: DiscardingSink(), mayRecoverSession: false)
            self.listener.start()
        }
        self.logger.notice("Started a new server session", metadata: ["session": "\(self.sessionID ?? "none")"])
    }
}
