import AsyncHTTPClient
import Logging
import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Listens on the GET stream on which a Streamable HTTP server may send requests and notifications of its own,
/// outside any answer, and delivers them to the host.
///
/// A 405 (or any refusal) means the server offers no such stream; a stream that ends is reopened with
/// `Last-Event-ID`, and after five failures in a row the listener gives up. Requests keep working without it:
/// their answers come on their own POSTs.
final class ServerStreamListener: Sendable {
    let session: StreamableHTTPSession
    let authorized: AuthorizedExchange
    let output: any ServerMessageSink
    /// The longest line, and the largest event, accepted.
    let maxMessageBytes: Int
    let logger: Logger

    private struct State {
        var task: Task<Void, Never>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    init(
        session: StreamableHTTPSession,
        authorized: AuthorizedExchange,
        output: any ServerMessageSink,
        maxMessageBytes: Int,
        logger: Logger
    ) {
        self.session = session
        self.authorized = authorized
        self.output = output
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    /// Opens the stream, unless it is open already or the listener was stopped.
    func start() {
        let start = self.state.withLockedValue { state -> Bool in
            guard state.task == nil, !state.stopped else { return false }
            return true
        }
        guard start else { return }
        let task = Task { [self] in await self.listen() }
        let stopped = self.state.withLockedValue { state -> Bool in
            if state.stopped { return true }
            state.task = task
            return false
        }
        if stopped { task.cancel() }
    }

    /// Closes the stream for good.
    func stop() {
        let task = self.state.withLockedValue { state in
            state.stopped = true
            return state.task
        }
        task?.cancel()
    }

    private func listen() async {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        var failures = 0
        while !Task.isCancelled, failures < 5 {
            do {
                var sentSessionID: String?
                let lastEventID = parser.lastEventID
                let response = try await self.authorized.send(.stream) { token in
                    sentSessionID = self.session.current.id
                    return self.session.eventStreamRequest(token: token, lastEventID: lastEventID)
                }
                guard response.status == .ok, response.mediaType == "text/event-stream" else {
                    await response.discardBody()
                    self.logger.debug(
                        "The server offers no GET stream",
                        metadata: ["status": "\(response.status.code)"]
                    )
                    if response.status == .notFound, sentSessionID != nil {
                        // The session is gone; the next request re-initializes and restarts this stream.
                        self.state.withLockedValue { $0.task = nil }
                    }
                    return
                }
                failures = 0
                self.logger.debug("Listening for server messages on the GET stream")
                for try await chunk in response.body {
                    for event in try parser.feed(chunk.readableBytesView)
                    where event.event == "message" && !event.data.isEmpty {
                        if (try? JSONRPCMessage(parsing: event.data)) != nil {
                            self.output.deliver(event.data)
                        } else {
                            self.logger.warning("Dropped a GET-stream event that is not a JSON-RPC message")
                        }
                    }
                }
                parser.finish()
            } catch let error as SSEParser.LimitExceeded {
                // Reopening would only fetch the same oversized event again; requests keep working without
                // this stream (their answers come on their own POSTs).
                self.logger.error(
                    "Closed the server's GET stream: \(error)",
                    metadata: ["limit": "\(error.limit)"]
                )
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
            }
            try? await Task.sleep(nanoseconds: UInt64(min(parser.retry ?? 1000, 30_000)) * 1_000_000)
        }
    }
}
