import AsyncHTTPClient
public import Foundation
public import Logging
import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The HTTP+SSE transport of MCP 2024-11-05, client side: a GET stream whose first event (`endpoint`) names the
/// URL to POST messages to; every server message, answers included, arrives on that stream.
public final class LegacySSEConnection: ServerConnection {
    let url: URL
    let http: BridgeHTTP
    let authorizer: Authorizer
    let headers: [HeaderField]
    let output: any ServerMessageSink
    let logger: Logger
    /// The longest line, and the largest event, accepted on the stream.
    let maxMessageBytes: Int
    private let state = NIOLockedValueBox(State())
    private let connecting = SingleFlight()

    struct State: Sendable {
        var endpoint: URL?
        var reader: Task<Void, Never>?
        var pending: [JSONRPCID: AnswerSlot] = [:]
        var initialize: HostMessage?
        var initialized: HostMessage?
        var closed = false
    }

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
        self.authorizer = authorizer
        self.headers = headers
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
            let (initialize, initialized) = self.state.withLockedValue { ($0.initialize, $0.initialized) }
            if let initialize, initialize.requestID != nil {
                self.logger.notice("Event stream reopened; initializing the new session")
                try await self.post(initialize, awaitAnswer: true, deliver: false)
                if let initialized { try await self.post(initialized, awaitAnswer: false, deliver: false) }
            }
        }
    }

    private func open() async throws {
        var authorization = try await self.authorizer.authorization()
        var retried = false
        while true {
            var request = HTTPClientRequest(url: self.url.absoluteString)
            self.addHeaders(to: &request, authorization: authorization)
            request.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
            let response = try await self.http.execute(request)
            if response.status == .unauthorized, let provider = self.authorizer.provider, !retried {
                _ = try? await self.http.collect(response, limit: 1 << 16)
                retried = true
                let sent = authorization.map { String($0.dropFirst("Bearer ".count)) }
                authorization = try await provider.unauthorized(
                    challenge: BearerChallenge(headerValues: response.headers["WWW-Authenticate"]),
                    sentToken: sent
                )
                continue
            }
            guard response.status == .ok, response.mediaType == "text/event-stream" else {
                let body = try? await self.http.collect(response, limit: 1 << 16)
                throw BridgeError.httpStatus(Int(response.status.code), StreamableHTTPConnection.snippet(body))
            }
            let (endpoints, continuation) = AsyncStream.makeStream(of: URL?.self)
            let task = Task { [self] in await self.read(response, endpoint: continuation) }
            var iterator = endpoints.makeAsyncIterator()
            guard let found = await iterator.next(), let endpoint = found else {
                task.cancel()
                throw BridgeError.protocolViolation("the SSE stream did not start with an endpoint event")
            }
            self.state.withLockedValue { state in
                state.endpoint = endpoint
                state.reader = task
            }
            self.logger.info("Connected over the legacy HTTP+SSE transport", metadata: ["endpoint": "\(endpoint.path)"])
            return
        }
    }

    /// Reads the stream until it ends: the first `endpoint` event goes to `endpoint`, messages to the host.
    private func read(_ response: HTTPClientResponse, endpoint: AsyncStream<URL?>.Continuation) async {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        var announced = false
        // Why the requests still waiting fail: the stream ended, or it broke a rule and was dropped.
        var failure = BridgeError.connectionLost("the server closed the SSE stream before answering")
        do {
            for try await chunk in response.body {
                for event in try parser.feed(chunk.readableBytesView) {
                    if event.event == "endpoint", !announced {
                        announced = true
                        let text = String(decoding: event.data, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                        // The endpoint must be on the same origin: messages carry the token.
                        let resolved = URL(string: text, relativeTo: self.url)?.absoluteURL
                        if let resolved, resolved.scheme == self.url.scheme, resolved.host == self.url.host,
                            resolved.port == self.url.port
                        {
                            endpoint.yield(resolved)
                        } else {
                            self.logger.error(
                                "The SSE endpoint event names another origin; refusing it",
                                metadata: ["endpoint": "\(text)"]
                            )
                            endpoint.yield(nil)
                        }
                        endpoint.finish()
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
        if !announced {
            endpoint.yield(nil)
            endpoint.finish()
        }
        let pending = self.state.withLockedValue { state in
            state.endpoint = nil
            state.reader = nil
            defer { state.pending = [:] }
            return state.pending
        }
        for slot in pending.values { slot.complete(.failure(failure)) }
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
            // Answers to the bridge's own replayed initialize carry a bridge id and stay here.
            if !Self.isBridgeID(id) { self.output.deliver(data) }
            waiter.complete(.success(()))
        } else {
            self.output.deliver(data)
        }
    }

    public func send(_ message: HostMessage) async throws {
        if message.method == MCPMethod.initialize {
            self.state.withLockedValue { $0.initialize = message }
        } else if message.method == MCPMethod.initializedNotification {
            self.state.withLockedValue { $0.initialized = message }
        }
        try await self.connect()
        try await self.post(message, awaitAnswer: message.requestID != nil, deliver: true)
    }

    private func post(_ message: HostMessage, awaitAnswer: Bool, deliver: Bool) async throws {
        guard let endpoint = self.state.withLockedValue({ $0.endpoint }) else {
            throw BridgeError.connectionLost("the SSE stream is closed")
        }
        var bytes = message.bytes
        var id = message.requestID
        if awaitAnswer, !deliver, let original = id {
            // A replayed request gets a bridge id so its answer is not mistaken for one the host awaits.
            let replayID = JSONRPCID("mcp-bridge-replay-\(original)")
            if case .request(var request) = message.message {
                request.id = replayID
                bytes = Array(request.json.serialized())
            }
            id = replayID
        }
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        self.addHeaders(to: &request, authorization: try await self.authorizer.authorization())
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: bytes))
        guard awaitAnswer, let id else {
            let response = try await self.http.execute(request)
            let body = try? await self.http.collect(response, limit: 1 << 16)
            guard (200..<300).contains(response.status.code) else {
                throw BridgeError.httpStatus(Int(response.status.code), StreamableHTTPConnection.snippet(body))
            }
            return
        }
        // Registered under the same lock the reader drains with, so no answer can be missed.
        let slot = AnswerSlot()
        let streamOpen = self.state.withLockedValue { state -> Bool in
            guard state.endpoint != nil else { return false }
            state.pending[id] = slot
            return true
        }
        guard streamOpen else { throw BridgeError.connectionLost("the SSE stream closed") }
        do {
            let response = try await self.http.execute(request)
            let body = try? await self.http.collect(response, limit: 1 << 16)
            guard (200..<300).contains(response.status.code) else {
                throw BridgeError.httpStatus(Int(response.status.code), StreamableHTTPConnection.snippet(body))
            }
            // The answer comes on the stream; give up on it after the timeout.
            let timeout = self.http.settings.timeout
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await slot.wait() }
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

    private func addHeaders(to request: inout HTTPClientRequest, authorization: String?) {
        request.headers.add(name: "User-Agent", value: "mcp-bridge/\(BridgeVersion.current)")
        for header in self.headers { request.headers.add(name: header.name, value: header.value) }
        if let authorization { request.headers.replaceOrAdd(name: "Authorization", value: authorization) }
    }

    public func close() async {
        let reader = self.state.withLockedValue { state in
            state.closed = true
            return state.reader
        }
        reader?.cancel()
    }

    static func isBridgeID(_ id: JSONRPCID) -> Bool {
        id.description.contains("mcp-bridge-replay-")
    }
}

/// Where the answer to one request sent over the legacy transport lands; it may arrive (on the stream) before
/// anyone waits for it (the POST is still returning).
final class AnswerSlot: Sendable {
    private struct State {
        var outcome: Result<Void, any Error>?
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private let state = NIOLockedValueBox(State())

    func complete(_ outcome: Result<Void, any Error>) {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<Void, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: outcome)
    }

    func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = self.state.withLockedValue { state -> Result<Void, any Error>? in
                    if state.outcome == nil { state.waiter = continuation }
                    return state.outcome
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.complete(.failure(CancellationError()))
        }
    }
}
