import AsyncHTTPClient
public import Foundation
public import Logging
import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The Streamable HTTP transport (MCP 2025-03-26 and later, including 2026-07-28), client side.
///
/// Every host message is one POST. JSON answers are relayed whole; SSE answers are parsed as they arrive, so
/// progress and other notifications reach the host before the final answer. The connection keeps the legacy
/// session (`Mcp-Session-Id`, negotiated `MCP-Protocol-Version`), replays the host's `initialize` when the server
/// forgets the session (404), adds the 2026-07-28 request headers (`Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`), and
/// asks the ``Authorizer`` for a token when the server answers 401.
public final class StreamableHTTPConnection: ServerConnection {
    /// Whether a first-contact 4xx without a JSON-RPC body should make the caller try the legacy SSE transport.
    public enum Fallback: Sendable {
        case allowed
        case never
    }

    /// Thrown (only while ``Fallback/allowed``) when the server looks like a legacy HTTP+SSE server.
    public struct LegacyServerSuspected: Error, Sendable {
        public let status: Int
    }

    let url: URL
    let http: BridgeHTTP
    let authorizer: Authorizer
    let headers: [HeaderField]
    let output: any ServerMessageSink
    let logger: Logger
    let fallback: Fallback
    /// Largest JSON answer accepted.
    let maxMessageBytes: Int
    private let state = NIOLockedValueBox(SessionState())
    private let reinitializing = SingleFlight()

    struct SessionState: Sendable {
        var sessionID: String?
        var negotiatedVersion: String?
        /// The host's `initialize` and `notifications/initialized`, replayed when the server loses the session.
        var initialize: HostMessage?
        var initialized: HostMessage?
        var answeredOnce = false
        /// `x-mcp-header` annotations per tool name, learned from `tools/list` answers (2026-07-28).
        var paramHeaders: [String: [MCPParamHeaders.Annotation]] = [:]
        var listener: Task<Void, Never>?
        var listenerStopped = false
    }

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
        self.url = url
        self.http = http
        self.authorizer = authorizer
        self.headers = headers
        self.output = output
        self.fallback = fallback
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    /// The session id the server assigned, if any.
    public var sessionID: String? { self.state.withLockedValue { $0.sessionID } }

    public func send(_ message: HostMessage) async throws {
        if message.method == MCPMethod.initialize {
            self.state.withLockedValue { $0.initialize = message }
        } else if message.method == MCPMethod.initializedNotification {
            self.state.withLockedValue { $0.initialized = message }
        }
        try await self.exchange(message, sink: self.output)
        if message.method == MCPMethod.initializedNotification { self.startListener() }
    }

    public func close() async {
        let (sessionID, listener) = self.state.withLockedValue { state in
            state.listenerStopped = true
            return (state.sessionID, state.listener)
        }
        listener?.cancel()
        guard let sessionID else { return }
        var request = HTTPClientRequest(url: self.url.absoluteString)
        request.method = .DELETE
        self.addCommonHeaders(
            to: &request,
            sessionID: sessionID,
            version: self.state.withLockedValue { $0.negotiatedVersion }
        )
        do {
            let response = try await self.http.client.execute(request, timeout: .seconds(2), logger: nil)
            _ = try? await response.body.collect(upTo: 1 << 16)
            self.logger.debug("Ended the server session", metadata: ["status": "\(response.status.code)"])
        } catch {
            self.logger.debug("Could not end the server session", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - One exchange

    /// POSTs `message` and handles the answer, recovering from 401, 403 insufficient_scope and a lost session.
    func exchange(_ message: HostMessage, sink: any ServerMessageSink) async throws {
        var authorization = try await self.authorizer.authorization()
        var retriedAuth = false
        var retriedScope = false
        var retriedSession = false
        while true {
            let (sessionID, version) = self.state.withLockedValue { ($0.sessionID, $0.negotiatedVersion) }
            var request = HTTPClientRequest(url: self.url.absoluteString)
            request.method = .POST
            self.addCommonHeaders(
                to: &request,
                sessionID: sessionID,
                version: message.modernProtocolVersion ?? version
            )
            request.headers.replaceOrAdd(name: "Accept", value: "application/json, text/event-stream")
            request.headers.add(name: "Content-Type", value: "application/json")
            if let authorization { request.headers.replaceOrAdd(name: "Authorization", value: authorization) }
            self.addModernHeaders(for: message, to: &request)
            request.body = .bytes(ByteBuffer(bytes: message.bytes))

            let response = try await self.http.execute(request)
            let status = Int(response.status.code)
            switch status {
            case 401:
                let body = try? await self.http.collect(response, limit: 1 << 16)
                let challenge = BearerChallenge(headerValues: response.headers["WWW-Authenticate"])
                guard let provider = self.authorizer.provider, !retriedAuth else {
                    throw BridgeError.authorization(
                        "the server refused the credentials (HTTP 401\(challenge?.error.map { ", \($0)" } ?? "")\(Self.snippet(body)))"
                    )
                }
                retriedAuth = true
                let sent = authorization.map { String($0.dropFirst("Bearer ".count)) }
                authorization = try await provider.unauthorized(challenge: challenge, sentToken: sent)
                continue
            case 403:
                let body = try? await self.http.collect(response, limit: 1 << 16)
                let challenge = BearerChallenge(headerValues: response.headers["WWW-Authenticate"])
                if let challenge, challenge.error == "insufficient_scope", let provider = self.authorizer.provider,
                    !retriedScope
                {
                    retriedScope = true
                    let sent = authorization.map { String($0.dropFirst("Bearer ".count)) }
                    authorization = try await provider.insufficientScope(challenge: challenge, sentToken: sent)
                    continue
                }
                if let body, self.relayErrorAnswer(body, for: message, sink: sink) { return }
                throw BridgeError.httpStatus(403, challenge?.error ?? Self.snippet(body))
            case 404 where sessionID != nil && !retriedSession && message.method != MCPMethod.initialize:
                // The server ended the session (restart, expiry): MUST start a new one and retry.
                _ = try? await self.http.collect(response, limit: 1 << 16)
                retriedSession = true
                self.logger.notice(
                    "The server lost the session; initializing again",
                    metadata: ["session": "\(sessionID!)"]
                )
                // Concurrent requests that saw the same 404 share one recovery; a later one finds the session replaced.
                try await self.reinitializing.run { try await self.reinitialize(lost: sessionID!) }
                continue
            case 200..<300:
                if message.method == MCPMethod.initialize,
                    let session = response.headers.first(name: MCPHeader.sessionID)
                {
                    self.state.withLockedValue { $0.sessionID = session }
                }
                try await self.handleSuccess(response, for: message, sink: sink)
                self.state.withLockedValue { $0.answeredOnce = true }
                return
            default:
                let body = try await self.http.collect(response, limit: self.maxMessageBytes)
                if self.relayErrorAnswer(body, for: message, sink: sink) { return }
                let first = self.state.withLockedValue { !$0.answeredOnce }
                if self.fallback == .allowed, first, [400, 404, 405].contains(status) {
                    throw LegacyServerSuspected(status: status)
                }
                throw BridgeError.httpStatus(status, Self.snippet(body))
            }
        }
    }

    /// Relays a JSON-RPC error body sent with an HTTP error status (2026-07-28 sends 400/-32020, 404/-32601
    /// this way). Returns whether it was one.
    private func relayErrorAnswer(_ body: [UInt8], for message: HostMessage, sink: any ServerMessageSink) -> Bool {
        guard !body.isEmpty, let parsed = try? JSONRPCMessage(parsing: body), case .errorResponse(let error) = parsed
        else {
            return false
        }
        if let id = message.requestID {
            guard error.id == nil || error.id == id else { return false }
            if error.id == nil {
                // An error without an id (allowed on HTTP errors): give it the request's id so the host can match it.
                sink.deliver(Array(JSONRPCErrorResponse(id: id, error: error.error).json.serialized()))
                return true
            }
            sink.deliver(body)
            return true
        }
        self.logger.warning(
            "The server refused a notification or response",
            metadata: ["error": "\(error.error.message)"]
        )
        return true
    }

    private func handleSuccess(
        _ response: HTTPClientResponse,
        for message: HostMessage,
        sink: any ServerMessageSink
    ) async throws {
        guard let id = message.requestID else {
            // Notifications and responses: 202 and nothing to relay.
            _ = try? await self.http.collect(response, limit: 1 << 16)
            return
        }
        switch response.mediaType {
        case "application/json":
            let body = try await self.http.collect(response, limit: self.maxMessageBytes)
            try self.deliverFinal(body, for: id, request: message, sink: sink)
        case "text/event-stream":
            try await self.readStream(response, for: id, request: message, sink: sink)
        default:
            _ = try? await self.http.collect(response, limit: 1 << 16)
            if response.status == .accepted {
                throw BridgeError.protocolViolation("the server accepted a request (HTTP 202) without answering it")
            }
            throw BridgeError.protocolViolation(
                "the answer has content type \"\(response.mediaType)\", not JSON or SSE"
            )
        }
    }

    /// Delivers the final answer to request `id`, learning what the bridge needs from it on the way.
    private func deliverFinal(
        _ body: [UInt8],
        for id: JSONRPCID,
        request: HostMessage,
        sink: any ServerMessageSink
    ) throws {
        let parsed: JSONRPCMessage
        do {
            parsed = try JSONRPCMessage(parsing: body)
        } catch {
            throw BridgeError.protocolViolation("the answer is not a JSON-RPC message (\(error.error.message))")
        }
        switch parsed {
        case .response(let response) where response.id == id:
            self.learn(from: response.result, request: request)
        case .errorResponse(let response) where response.id == id:
            break
        default:
            throw BridgeError.protocolViolation("the answer is not the response to request \(id)")
        }
        sink.deliver(body)
    }

    private func learn(from result: JSONValue, request: HostMessage) {
        switch request.method {
        case MCPMethod.initialize:
            if let version = result["protocolVersion"]?.stringValue {
                self.state.withLockedValue { $0.negotiatedVersion = version }
            }
        case MCPMethod.toolsList where request.modernProtocolVersion != nil:
            var learned: [String: [MCPParamHeaders.Annotation]] = [:]
            for tool in result["tools"]?.arrayValue ?? [] {
                guard let name = tool["name"]?.stringValue, let schema = tool["inputSchema"] else { continue }
                let annotations = MCPParamHeaders.annotations(in: schema)
                if !annotations.isEmpty { learned[name] = annotations }
            }
            if !learned.isEmpty { self.state.withLockedValue { $0.paramHeaders.merge(learned) { _, new in new } } }
        default:
            break
        }
    }

    /// Reads an SSE answer: notifications and server requests go to the host as they arrive; the stream ends
    /// with the answer to `id`. A stream that breaks after an event id is resumed with `Last-Event-ID`
    /// (2025-11-25 resumability), after the server's `retry` delay.
    private func readStream(
        _ response: HTTPClientResponse,
        for id: JSONRPCID,
        request: HostMessage,
        sink: any ServerMessageSink
    ) async throws {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        var current = response
        var resumptions = 0
        while true {
            do {
                for try await chunk in current.body {
                    for event in try parser.feed(chunk.readableBytesView) {
                        if try self.handleEvent(event, for: id, request: request, sink: sink) { return }
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
                let classified = BridgeHTTP.classify(error, url: self.url.absoluteString)
                if case .timeout = classified { throw classified }
                if parser.lastEventID == nil { throw classified }
            }
            guard let lastEventID = parser.lastEventID, resumptions < 5 else {
                throw BridgeError.connectionLost("the server ended the event stream without answering request \(id)")
            }
            resumptions += 1
            try await Task.sleep(nanoseconds: UInt64(min(parser.retry ?? 1000, 30_000)) * 1_000_000)
            current = try await self.http.execute(try await self.streamRequest(lastEventID: lastEventID))
            guard current.status == .ok, current.mediaType == "text/event-stream" else {
                _ = try? await self.http.collect(current, limit: 1 << 16)
                throw BridgeError.connectionLost(
                    "the event stream broke and could not be resumed (HTTP \(current.status.code))"
                )
            }
            self.logger.debug("Resumed the event stream", metadata: ["last_event_id": "\(lastEventID)"])
        }
    }

    /// Handles one event of a response stream; returns whether it was the final answer.
    private func handleEvent(
        _ event: SSEEvent,
        for id: JSONRPCID,
        request: HostMessage,
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
            self.learn(from: response.result, request: request)
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

    // MARK: - Headers

    /// A GET for an event stream: the server-initiated stream, or the resumption of a broken response stream.
    private func streamRequest(lastEventID: String?) async throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: self.url.absoluteString)
        let (sessionID, version) = self.state.withLockedValue { ($0.sessionID, $0.negotiatedVersion) }
        self.addCommonHeaders(to: &request, sessionID: sessionID, version: version)
        if let authorization = try await self.authorizer.authorization() {
            request.headers.replaceOrAdd(name: "Authorization", value: authorization)
        }
        request.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: MCPHeader.lastEventID, value: lastEventID) }
        return request
    }

    private func addCommonHeaders(
        to request: inout HTTPClientRequest,
        sessionID: String?,
        version: String?
    ) {
        request.headers.add(name: "User-Agent", value: "mcp-bridge/\(BridgeVersion.current)")
        for header in self.headers { request.headers.add(name: header.name, value: header.value) }
        if let sessionID { request.headers.add(name: MCPHeader.sessionID, value: sessionID) }
        if let version { request.headers.add(name: MCPHeader.protocolVersion, value: version) }
    }

    /// 2026-07-28 requires `Mcp-Method` on every request, `Mcp-Name` for the three named methods, and the
    /// `x-mcp-header` arguments as `Mcp-Param-*`; hosts over stdio send none of these, so the bridge derives them.
    private func addModernHeaders(for message: HostMessage, to request: inout HTTPClientRequest) {
        guard message.modernProtocolVersion != nil, let method = message.method else { return }
        request.headers.add(name: MCPHeader.method, value: method)
        let params = message.params
        switch method {
        case MCPMethod.toolsCall, MCPMethod.promptsGet:
            guard let name = params?["name"]?.stringValue else { return }
            request.headers.add(name: MCPHeader.name, value: MCPHeader.encodeValue(name))
            if method == MCPMethod.toolsCall, let annotations = self.state.withLockedValue({ $0.paramHeaders[name] }) {
                for (header, value) in MCPParamHeaders.headers(for: annotations, arguments: params?["arguments"]) {
                    request.headers.add(name: header, value: value)
                }
            }
        case MCPMethod.resourcesRead:
            if let uri = params?["uri"]?.stringValue {
                request.headers.add(name: MCPHeader.name, value: MCPHeader.encodeValue(uri))
            }
        default:
            break
        }
    }

    // MARK: - Session recovery

    /// Replays the host's `initialize` and `notifications/initialized` without the lost session id; their answers
    /// stay with the bridge (the host already has its own).
    private func reinitialize(lost: String) async throws {
        let replay = self.state.withLockedValue { state -> (HostMessage?, HostMessage?)? in
            guard state.sessionID == lost else { return nil }
            state.sessionID = nil
            return (state.initialize, state.initialized)
        }
        guard let (initialize, initialized) = replay else { return }
        guard let initialize else { return }
        try await self.exchange(initialize, sink: DiscardingSink())
        if let initialized {
            try await self.exchange(initialized, sink: DiscardingSink())
            self.startListener()
        }
        self.logger.notice("Started a new server session", metadata: ["session": "\(self.sessionID ?? "none")"])
    }

    // MARK: - Server-initiated stream (legacy GET)

    /// Opens the GET stream on which a legacy server may send requests and notifications of its own. A 405 (or
    /// any refusal) means the server offers none; a stream that ends is reopened with `Last-Event-ID`.
    private func startListener() {
        let start = self.state.withLockedValue { state -> Bool in
            guard state.listener == nil, !state.listenerStopped else { return false }
            return true
        }
        guard start else { return }
        let task = Task { [self] in await self.listen() }
        let stopped = self.state.withLockedValue { state -> Bool in
            if state.listenerStopped { return true }
            state.listener = task
            return false
        }
        if stopped { task.cancel() }
    }

    private func listen() async {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        var failures = 0
        while !Task.isCancelled, failures < 5 {
            do {
                let sessionID = self.sessionID
                let request = try await self.streamRequest(lastEventID: parser.lastEventID)
                let response = try await self.http.client.execute(request, deadline: .distantFuture, logger: nil)
                guard response.status == .ok, response.mediaType == "text/event-stream" else {
                    _ = try? await response.body.collect(upTo: 1 << 16)
                    self.logger.debug(
                        "The server offers no GET stream",
                        metadata: ["status": "\(response.status.code)"]
                    )
                    if response.status == .notFound, sessionID != nil {
                        // The session is gone; the next request re-initializes and restarts this stream.
                        self.state.withLockedValue { $0.listener = nil }
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

    static func snippet(_ body: [UInt8]?) -> String {
        guard let body, !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .filter { !$0.isNewline }
        return text
    }
}
