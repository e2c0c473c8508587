import AsyncHTTPClient
import Logging
import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads an SSE answer to one request: notifications and server requests go to the host as they arrive, and the
/// stream ends with the answer to the request.
///
/// A stream that breaks after an event id is resumed with `Last-Event-ID` (2025-11-25 resumability), after the
/// server's `retry` delay, at most five times. A line or event over the message limit ends it for good.
struct ResponseStream: Sendable {
    let session: StreamableHTTPSession
    let authorized: AuthorizedExchange
    /// The longest line, and the largest event, accepted.
    let maxMessageBytes: Int
    let logger: Logger

    /// Reads `response`, the answer to `request` (whose id is `id`), delivering every message to `sink`.
    func read(
        _ response: HTTPClientResponse,
        answering request: HostMessage,
        id: JSONRPCID,
        sink: any ServerMessageSink
    ) async throws {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        var current = response
        var resumptions = 0
        while true {
            do {
                for try await chunk in current.body {
                    for event in try parser.feed(chunk.readableBytesView) {
                        if try self.handle(event, answering: request, id: id, sink: sink) { return }
                    }
                }
                parser.finish()
            } catch let error as SSEParser.LimitExceeded {
                // Leaving the loop drops the body, which closes the connection: nothing more is read. Never resumed,
                // since the server would send the same event again.
                throw BridgeError.protocolViolation("\(error); stopped reading it")
            } catch let error as BridgeError {
                throw error
            } catch {
                let classified = BridgeHTTP.classify(error, url: self.session.url.absoluteString)
                if case .timeout = classified { throw classified }
                if parser.lastEventID == nil { throw classified }
            }
            guard let lastEventID = parser.lastEventID, resumptions < 5 else {
                throw BridgeError.connectionLost("the server ended the event stream without answering request \(id)")
            }
            resumptions += 1
            try await Task.sleep(nanoseconds: UInt64(min(parser.retry ?? 1000, 30_000)) * 1_000_000)
            current = try await self.authorized.send { token in
                self.session.eventStreamRequest(token: token, lastEventID: lastEventID)
            }
            guard current.status == .ok, current.mediaType == "text/event-stream" else {
                await current.discardBody()
                throw BridgeError.connectionLost(
                    "the event stream broke and could not be resumed (HTTP \(current.status.code))"
                )
            }
            self.logger.debug("Resumed the event stream", metadata: ["last_event_id": "\(lastEventID)"])
        }
    }

    /// Handles one event; returns whether it was the final answer.
    private func handle(
        _ event: SSEEvent,
        answering request: HostMessage,
        id: JSONRPCID,
        sink: any ServerMessageSink
    ) throws -> Bool {
        guard event.event == "message", !event.data.isEmpty else { return false }
        let parsed: JSONRPCMessage
        do {
            parsed = try JSONRPCMessage(parsing: event.data)
        } catch {
            self.logger.warning(
                "Dropped an event that is not a JSON-RPC message",
                metadata: ["error": "\(error.error.message)"]
            )
            return false
        }
        switch parsed {
        case .response(let response) where response.id == id:
            self.session.learn(from: response.result, request: request)
            sink.deliver(event.data)
            return true
        case .errorResponse(let response) where response.id == id:
            sink.deliver(event.data)
            return true
        default:
            // Progress, log messages, and server requests (sampling, elicitation, roots): to the host now.
            sink.deliver(event.data)
            return false
        }
    }
}
