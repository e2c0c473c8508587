import AsyncHTTPClient
public import Logging
import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The HTTP+SSE transport of MCP 2024-11-05, client side: a GET stream whose first event (`endpoint`) names the
/// URL to POST messages to; every server message, answers included, arrives on that stream.
public final class LegacySSEConnection: ServerConnection {
    let url: URL
    let http: BridgeHTTP
    let builder: RequestBuilder
    let authorized: AuthorizedExchange
    let output: any ServerMessageSink
    let logger: Logger
    /// The longest line, and the largest event, accepted on the stream.
    let maxMessageBytes: Int
    private let state = NIOLockedValueBox(State())
    private let connecting = SingleFlight<Void>()

    private struct State {
        var endpoint: URL?
        var reader: Task<Void, Never>?
        /// The requests waiting for their answer on the stream.
        /// Requests waiting for their answer on the stream, with where the answer goes (`nil`: nowhere, a replay).
        var pending: [JSONRPCID: (slot: OneShot<Void>, sink: (any ServerMessageSink)?)] = [:]
        var handshake = Handshake()
        var closed = false
    }

    /// A connection to the SSE stream at `url`.
    ///
    /// - Parameters:
    ///   - headers: The user's headers, sent on every request.
    ///   - output: Where server messages go: the host.
    ///   - maxMessageBytes: The longest SSE line or event accepted.
    public init(
        url: URL,
        http: BridgeHTTP,
        authorizer: Authorizer,
        headers: [HeaderField],
        output: any ServerMessageSink,
        maxMessageBytes: Int,
        logger: Logger
    ) {
        self.url = url
        self.http = http
        self.builder = RequestBuilder(userHeaders: headers)
        self.authorized = AuthorizedExchange(http: http, authorizer: authorizer)
        self.output = output
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    /// Opens the event stream and waits for its `endpoint` event. Replays the host's `initialize` when this is
    /// a reconnection (the old stream's session died with it).
    public func connect() async throws {
        try await self.connecting.run {
            if self.state.withLockedValue({ $0.endpoint }) != nil { return }
            try await self.open()
            let handshake = self.state.withLockedValue { $0.handshake }
            if let initialize = handshake.initialize, initialize.requestID != nil {
                self.logger.notice("Event stream reopened; initializing the new session")
                try await self.post(initialize, awaitAnswer: true, deliver: nil)
                if let initialized = handshake.initialized {
                    try await self.post(initialized, awaitAnswer: false, deliver: nil)
                }
            }
        }
    }

    private func open() async throws {
        let response = try await self.authorized.send { token in
            self.builder.request(.GET, self.url, token: token, accept: "text/event-stream")
        }
        guard response.status == .ok, response.mediaType == "text/event-stream" else {
            let body = await response.errorBody()
            throw BridgeError.httpStatus(Int(response.status.code), HTTPClientResponse.snippet(body))
        }
        let announced = OneShot<URL?>()
        let task = Task { [self] in await self.read(response, endpoint: announced) }
        let endpoint: URL
        do {
            guard let found = try await announced.value else {
                throw BridgeError.protocolViolation("the SSE stream did not start with an endpoint event")
            }
            endpoint = found
        } catch {
            task.cancel()
            throw error
        }
        self.state.withLockedValue { state in
            state.endpoint = endpoint
            state.reader = task
        }
        self.logger.info("Connected over the legacy HTTP+SSE transport", metadata: ["endpoint": "\(endpoint.path)"])
    }

    /// Reads the stream until it ends: the first `endpoint` event goes to `endpoint` (`nil` when the stream
    /// names none, or one on another origin), messages to the host.
    private func read(_ response: HTTPClientResponse, endpoint: OneShot<URL?>) async {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        // Why the requests still waiting fail: the stream ended, or it broke a rule and was dropped.
        var failure = BridgeError.connectionLost("the server closed the SSE stream before answering")
        do {
            for try await chunk in response.body {
                for event in try parser.feed(chunk.readableBytesView) {
                    if event.event == "endpoint", !endpoint.isSet {
                        endpoint.succeed(self.resolveEndpoint(event.data))
                    } else if event.event == "message", !event.data.isEmpty {
                        self.handle(event.data)
                    }
                }
            }
        } catch let error as SSEParser.LimitExceeded {
            // Returning drops the body, which closes the connection: nothing more of the event is read.
            self.logger.error("Closed the SSE stream: \(error)")
            failure = .protocolViolation("\(error); stopped reading it")
        } catch {
            self.logger.notice("The SSE stream broke", metadata: ["error": "\(error)"])
        }
        // Ignored when the endpoint was announced.
        endpoint.succeed(nil)
        let pending = self.state.withLockedValue { state in
            state.endpoint = nil
            state.reader = nil
            defer { state.pending = [:] }
            return state.pending
        }
        for waiter in pending.values { waiter.slot.fail(failure) }
    }

    /// The URL an `endpoint` event names, when it is on the stream's origin: messages carry the token.
    private func resolveEndpoint(_ data: [UInt8]) -> URL? {
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        let resolved = URL(string: text, relativeTo: self.url)?.absoluteURL
        guard let resolved, resolved.scheme == self.url.scheme, resolved.host == self.url.host,
            resolved.port == self.url.port
        else {
            self.logger.error(
                "The SSE endpoint event names another origin; refusing it",
                metadata: ["endpoint": "\(text)"]
            )
            return nil
        }
        return resolved
    }

    private func handle(_ data: [UInt8]) {
        guard let parsed = try? JSONRPCMessage(parsing: data) else {
            self.logger.warning("Dropped an event that is not a JSON-RPC message")
            return
        }
        var id: JSONRPCID?
        switch parsed {
        case .response(let response): id = response.id
        case .errorResponse(let response): id = response.id
        default: break
        }
        guard let id else {
            self.output.deliver(data)
            return
        }
        let waiter = self.state.withLockedValue { $0.pending.removeValue(forKey: id) }
        if let waiter {
            // Answers to the bridge's own replayed initialize have no sink and stay here.
            waiter.sink?.deliver(data)
            waiter.slot.succeed(())
        } else {
            self.output.deliver(data)
        }
    }

    /// The legacy stream carries every server message on one stream, so only the answer can be told apart and
    /// goes to `sink`; notifications and server requests go to the connection's output.
    public func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        self.state.withLockedValue { $0.handshake.record(message) }
        try await self.connect()
        try await self.post(message, awaitAnswer: message.requestID != nil, deliver: sink)
    }

    private func post(_ message: HostMessage, awaitAnswer: Bool, deliver sink: (any ServerMessageSink)?) async throws {
        guard let endpoint = self.state.withLockedValue({ $0.endpoint }) else {
            throw BridgeError.connectionLost("the SSE stream is closed")
        }
        var bytes = message.bytes
        var id = message.requestID
        if awaitAnswer, sink == nil, let original = id {
            // A replayed request gets a bridge id so its answer is not mistaken for one the host awaits.
            let replayID = JSONRPCID("mcp-bridge-replay-\(original)")
            if case .request(var request) = message.message {
                request.id = replayID
                bytes = Array(request.json.serialized())
            }
            id = replayID
        }
        let body = bytes
        guard awaitAnswer, let id else {
            let response = try await self.postMessage(body, to: endpoint)
            try await self.acknowledged(response)
            return
        }
        // Registered under the same lock the reader drains with, so no answer can be missed.
        let slot = OneShot<Void>()
        let streamOpen = self.state.withLockedValue { state -> Bool in
            guard state.endpoint != nil else { return false }
            state.pending[id] = (slot, sink)
            return true
        }
        guard streamOpen else { throw BridgeError.connectionLost("the SSE stream closed") }
        do {
            let response = try await self.postMessage(body, to: endpoint)
            try await self.acknowledged(response)
            // The answer comes on the stream; give up on it after the timeout.
            let timeout = self.http.settings.timeout
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await slot.value }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
                    throw BridgeError.timeout("no answer on the SSE stream")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            self.state.withLockedValue { _ = $0.pending.removeValue(forKey: id) }
            throw error
        }
    }

    private func postMessage(_ body: [UInt8], to endpoint: URL) async throws -> HTTPClientResponse {
        try await self.authorized.send { token in
            self.builder.request(.POST, endpoint, token: token, body: body)
        }
    }

    /// Checks that the server took a POSTed message (its answer, if any, comes on the stream).
    private func acknowledged(_ response: HTTPClientResponse) async throws {
        guard (200..<300).contains(response.status.code) else {
            let body = await response.errorBody()
            throw BridgeError.httpStatus(Int(response.status.code), HTTPClientResponse.snippet(body))
        }
        await response.discardBody()
    }

    public func close() async {
        let reader = self.state.withLockedValue { state in
            state.closed = true
            return state.reader
        }
        reader?.cancel()
    }
}
