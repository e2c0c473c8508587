import Logging
import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A 2026-07-28 host in front of a legacy server (one that opens with `initialize`).
///
/// The bridge performs `initialize` upstream itself, with the capabilities and client info the host's first
/// request carries in `_meta`, answers `server/discover` from it, strips the modern `_meta` from requests, adds
/// `resultType` (and caching hints that are true: no caching) to results, turns the server's own requests on a
/// call's stream into `input_required` results and answers them upstream from the host's retry, and serves
/// `subscriptions/listen` from the server's change notifications.
final class ModernHostTranslation: Sendable {
    let upstream: any ServerConnection
    let host: any ServerMessageSink
    let logger: Logger
    /// How long the bridge's own `initialize` may take.
    let deadline: Duration
    let pending = PendingInput()
    let listens = ListenHub()
    /// Answers the bridge sends the server on its own (pings, refusals) at once; a server flooding it with requests
    /// gets no more than this many in flight, the rest unanswered.
    static let maxRepliesInFlight = 16
    private let repliesInFlight = NIOLockedValueBox(0)

    private struct State {
        var initializeResult: JSONValue?
        var logLevel: String?
        var subscribed: Set<String> = []
        var calls: [JSONRPCID: UpstreamCall] = [:]
        var nextID = 1
    }

    private let state = NIOLockedValueBox(State())
    private let initializing = SingleFlight<JSONValue>()

    init(upstream: any ServerConnection, host: any ServerMessageSink, logger: Logger, deadline: Duration) {
        self.upstream = upstream
        self.host = host
        self.logger = logger
        self.deadline = deadline
    }

    func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        switch message.message {
        case .request(let request):
            let initialized = try await self.initializeUpstream(meta: request.meta)
            switch request.method {
            case MCPMethod.discover:
                sink.answer(request.id, result: Self.discoverResult(from: initialized))
            case ModernWire.subscriptionsListen:
                try await self.listen(request, capabilities: initialized["capabilities"] ?? [:], sink: sink)
            default:
                try await self.call(request, sink: sink)
            }
        case .notification(let notification):
            _ = try await self.initializeUpstream(meta: nil)
            let stripped = JSONRPCNotification(method: notification.method, params: Self.stripped(notification.params))
            try await self.upstream.send(HostMessage(notification: stripped), to: sink)
        case .response, .errorResponse:
            self.logger.debug("Dropped a response from a 2026-07-28 client (that era has none)")
        }
    }

    func close() {
        self.pending.cancelAll()
        self.listens.endAll()
        let calls = self.state.withLockedValue { state in
            defer { state.calls = [:] }
            return Array(state.calls.values)
        }
        for call in calls { call.cancel() }
    }

    // MARK: - Handshake

    /// Initializes the legacy session once, with the first request's capabilities and client info.
    private func initializeUpstream(meta: [String: JSONValue]?) async throws -> JSONValue {
        if let known = self.state.withLockedValue({ $0.initializeResult }) { return known }
        return try await self.initializing.run {
            if let known = self.state.withLockedValue({ $0.initializeResult }) { return known }
            let id = self.nextID("initialize")
            let request = JSONRPCRequest(
                id: id,
                method: MCPMethod.initialize,
                params: [
                    "protocolVersion": .string(MCPProtocolVersion.latestLegacy.rawValue),
                    "capabilities": meta?[MCPMetaKey.clientCapabilities] ?? [:],
                    "clientInfo": meta?[MCPMetaKey.clientInfo]
                        ?? ["name": "mcp-bridge", "version": .string(RemoteMCP.version)],
                ]
            )
            let capture = AnswerCapture(id: id)
            try await withDeadline(self.deadline, "initialize") {
                try await self.upstream.send(HostMessage(request: request), to: capture)
            }
            guard case .response(let response) = capture.answer else {
                throw EraMismatch(
                    description: "the server refused initialize (\(LegacyHostTranslation.describe(capture.answer)))"
                )
            }
            try await self.upstream.send(
                HostMessage(notification: JSONRPCNotification(method: MCPMethod.initializedNotification)),
                to: DiscardingSink()
            )
            self.state.withLockedValue { $0.initializeResult = response.result }
            return response.result
        }
    }

    /// A `server/discover` result from a legacy `initialize` result.
    static func discoverResult(from initialized: JSONValue) -> JSONValue {
        var result: [String: JSONValue] = [
            "supportedVersions": [.string(MCPProtocolVersion.latest.rawValue)],
            "capabilities": initialized["capabilities"] ?? [:],
            ModernWire.resultType: .string(ModernWire.complete),
            // True of a translated server: the bridge knows nothing of how long this stays valid.
            ModernWire.ttlMilliseconds: 0,
            ModernWire.cacheScope: "private",
        ]
        if let instructions = initialized["instructions"] { result["instructions"] = instructions }
        // 2026-07-28 names the server only in `_meta`.
        if let serverInfo = initialized["serverInfo"] { result["_meta"] = [MCPMetaKey.serverInfo: serverInfo] }
        return .object(result)
    }

    // MARK: - Calls

    /// A host request: a retry carrying input for a parked call, or a new call upstream.
    private func call(_ request: JSONRPCRequest, sink: any ServerMessageSink) async throws {
        if let state = request.params?[ModernWire.requestState]?.stringValue, state.hasPrefix("mcp-bridge:") {
            guard let entry = self.pending.take(state, method: request.method) else {
                sink.answer(
                    request.id,
                    error: .invalidParams("requestState is unknown or expired; send the request again without it")
                )
                return
            }
            do {
                try await self.answerServer(entry, with: request.params?[ModernWire.inputResponses])
            } catch {
                entry.call.cancel()
                throw error
            }
            await self.follow(entry.call, answering: request, sink: sink)
            return
        }
        if let level = request.meta?[MCPMetaKey.logLevel]?.stringValue { try await self.setLogLevel(level) }
        let id = self.nextID("call")
        let upstreamRequest = JSONRPCRequest(id: id, method: request.method, params: Self.stripped(request.params))
        let call = UpstreamCall(id: id, method: request.method)
        let wantsLog = request.meta?[MCPMetaKey.logLevel] != nil
        self.state.withLockedValue { $0.calls[id] = call }
        call.start { [self] call in
            let capture = AnswerCapture(id: id) { [self] message, bytes in
                switch message {
                case .request(let serverRequest):
                    self.serverRequest(serverRequest, during: call)
                case .notification(let notification) where notification.method == ModernWire.loggingMessage:
                    if wantsLog { self.host.deliver(bytes) }
                case .notification(var notification) where notification.method == MCPMethod.progressNotification:
                    // Progress goes to the host request waiting now, under its token; none while the call is parked.
                    guard let token = call.hostProgressToken.withLockedValue({ $0 }) else { return }
                    notification.params?[MCPMetaKey.progressToken] = token
                    self.host.send(.notification(notification))
                case .notification(let notification):
                    // Change notifications belong to listen streams; the rest (a cancellation, …) to nobody here.
                    _ = self.listens.publish(notification)
                default:
                    break
                }
            }
            do {
                try await self.upstream.send(HostMessage(request: upstreamRequest), to: capture)
                call.finish(capture.answer.map(UpstreamCall.Event.answer) ?? .failed(.protocolViolation("no answer")))
            } catch let error as BridgeError {
                call.finish(.failed(error))
            } catch {
                call.finish(.failed(BridgeHTTP.classify(error, url: "")))
            }
            _ = self.state.withLockedValue { $0.calls.removeValue(forKey: id) }
        }
        await self.follow(call, answering: request, sink: sink)
    }

    /// Waits for the call's next step and answers the host's `request` with it: the final result, or an
    /// `input_required` result for the server's next request (the call stays parked until the host retries).
    private func follow(_ call: UpstreamCall, answering request: JSONRPCRequest, sink: any ServerMessageSink) async {
        call.hostProgressToken.withLockedValue { $0 = request.meta?[MCPMetaKey.progressToken] }
        defer { call.hostProgressToken.withLockedValue { $0 = nil } }
        var parked = false
        defer {
            if !parked {
                if !call.isFinished {
                    // The host gave up: a legacy server hears of it from the notification, not from the closed stream.
                    let cancelled = JSONRPCNotification(
                        method: MCPMethod.cancelledNotification,
                        params: ["requestId": call.id.json, "reason": "the client cancelled the request"]
                    )
                    self.sendInBackground(.notification(cancelled))
                }
                call.cancel()
            }
        }
        for await event in call.events {
            switch event {
            case .serverRequest(let serverRequest):
                let key = "input-1"
                let state = self.pending.park(
                    PendingInput.Entry(
                        call: call,
                        serverRequestIDs: [key: serverRequest.id],
                        serverMethods: [key: serverRequest.method],
                        created: ContinuousClock.now
                    )
                )
                var input: [String: JSONValue] = ["method": .string(serverRequest.method)]
                if let params = serverRequest.params { input["params"] = .object(params) }
                parked = true
                sink.answer(
                    request.id,
                    result: [
                        ModernWire.resultType: .string(ModernWire.inputRequired),
                        ModernWire.inputRequests: [key: .object(input)],
                        ModernWire.requestState: .string(state),
                    ]
                )
                return
            case .answer(.response(let response)):
                sink.answer(request.id, result: Self.modernResult(response.result, method: request.method))
                return
            case .answer(.errorResponse(let error)):
                sink.answer(request.id, error: Self.modernError(error.error))
                return
            case .answer:
                sink.answer(request.id, error: BridgeError.protocolViolation("no answer").jsonRPCError)
                return
            case .failed(let error):
                sink.answer(request.id, error: error.jsonRPCError)
                return
            }
        }
        // The stream ended without an event: the call was cancelled (the host gave up, or the bridge is closing).
        if !Task.isCancelled { sink.answer(request.id, error: BridgeError.shuttingDown.jsonRPCError) }
    }

    /// A request the server sent on a call's stream: `ping` is answered here; the rest go to the host.
    private func serverRequest(_ request: JSONRPCRequest, during call: UpstreamCall) {
        if request.method == MCPMethod.ping {
            self.reply(to: request.id, result: [:])
            return
        }
        guard ModernWire.requiredCapability(for: request.method) != nil, call.report(serverRequest: request) else {
            self.reply(to: request.id, error: .methodNotFound(request.method))
            return
        }
    }

    /// Sends the host's input responses upstream as the answers to the server's requests.
    private func answerServer(_ entry: PendingInput.Entry, with responses: JSONValue?) async throws {
        for (key, serverID) in entry.serverRequestIDs {
            if let response = responses?[key] {
                try await self.sendUpstream(.response(JSONRPCResponse(id: serverID, result: response)))
            } else if entry.serverMethods[key] == ModernWire.elicitationCreate {
                // No answer from the person, in the form the server understands.
                try await self.sendUpstream(.response(JSONRPCResponse(id: serverID, result: ["action": "cancel"])))
            } else {
                try await self.sendUpstream(
                    .errorResponse(
                        JSONRPCErrorResponse(
                            id: serverID,
                            error: .internalError("the client retried without answering this request")
                        )
                    )
                )
            }
        }
    }

    private func reply(to id: JSONRPCID, result: JSONValue) {
        self.sendInBackground(.response(JSONRPCResponse(id: id, result: result)))
    }

    private func reply(to id: JSONRPCID, error: JSONRPCError) {
        self.sendInBackground(.errorResponse(JSONRPCErrorResponse(id: id, error: error)))
    }

    /// Sends a message of the bridge's own upstream without waiting for it, at most
    /// ``maxRepliesInFlight`` at once.
    private func sendInBackground(_ message: JSONRPCMessage) {
        let admitted = self.repliesInFlight.withLockedValue { count -> Bool in
            guard count < Self.maxRepliesInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else {
            self.logger.warning("The server sends more requests than the bridge answers; dropped an answer")
            return
        }
        Task {
            try? await self.sendUpstream(message)
            self.repliesInFlight.withLockedValue { $0 -= 1 }
        }
    }

    /// A legacy error as a 2026-07-28 host expects it: "resource not found" moved from -32002 to -32602.
    static func modernError(_ error: JSONRPCError) -> JSONRPCError {
        guard error.code == .resourceNotFound else { return error }
        var mapped = error
        mapped.code = .invalidParams
        return mapped
    }

    private func sendUpstream(_ message: JSONRPCMessage) async throws {
        try await self.upstream.send(HostMessage(message), to: DiscardingSink())
    }

    /// Sends `logging/setLevel` upstream when the host's per-request level changes.
    private func setLogLevel(_ level: String) async throws {
        let changed = self.state.withLockedValue { state -> Bool in
            guard state.logLevel != level else { return false }
            state.logLevel = level
            return true
        }
        guard changed else { return }
        let id = self.nextID("log-level")
        try await self.upstream.send(
            HostMessage(
                request: JSONRPCRequest(id: id, method: ModernWire.loggingSetLevel, params: ["level": .string(level)])
            ),
            to: AnswerCapture(id: id)
        )
    }

    /// A legacy result as 2026-07-28 shapes it: `resultType`, and for cacheable results hints that are true.
    static func modernResult(_ result: JSONValue, method: String) -> JSONValue {
        guard var object = result.objectValue else { return result }
        if object[ModernWire.resultType] == nil { object[ModernWire.resultType] = .string(ModernWire.complete) }
        if ModernWire.cacheableMethods.contains(method) {
            if object[ModernWire.ttlMilliseconds] == nil { object[ModernWire.ttlMilliseconds] = 0 }
            if object[ModernWire.cacheScope] == nil { object[ModernWire.cacheScope] = "private" }
        }
        return .object(object)
    }

    /// Params without the `_meta` keys a legacy server does not know (and without `_meta` when nothing is left).
    static func stripped(_ params: [String: JSONValue]?) -> [String: JSONValue]? {
        guard var params, var meta = params["_meta"]?.objectValue else { return params }
        for key in ModernWire.modernMetaKeys { meta[key] = nil }
        params["_meta"] = meta.isEmpty ? nil : .object(meta)
        return params
    }

    private func nextID(_ purpose: String) -> JSONRPCID {
        self.state.withLockedValue { state in
            defer { state.nextID += 1 }
            return BridgeIDs.make(purpose, state.nextID)
        }
    }

    /// Subscribes to `uri` upstream once per session; returns whether the server took it.
    private func subscribeUpstream(_ uri: String) async throws -> Bool {
        if self.state.withLockedValue({ $0.subscribed.contains(uri) }) { return true }
        let id = self.nextID("subscribe")
        let capture = AnswerCapture(id: id)
        try await self.upstream.send(
            HostMessage(
                request: JSONRPCRequest(id: id, method: ModernWire.resourcesSubscribe, params: ["uri": .string(uri)])
            ),
            to: capture
        )
        guard case .response = capture.answer else {
            self.logger.notice("The server refused resources/subscribe", metadata: ["uri": "\(uri)"])
            return false
        }
        self.state.withLockedValue { _ = $0.subscribed.insert(uri) }
        return true
    }

    // MARK: - Outside any call

    /// A message the server sent outside any call (the GET stream, the legacy stream).
    func unsolicited(_ bytes: [UInt8]) {
        guard let message = try? JSONRPCMessage(parsing: bytes) else { return }
        switch message {
        case .notification(let notification):
            if !self.listens.publish(notification) {
                self.logger.debug(
                    "Dropped a server notification no listen stream wants",
                    metadata: ["method": "\(notification.method)"]
                )
            }
        case .request(let request):
            // The legacy SSE transport carries a call's requests on its one stream: they belong to the only call.
            let calls = self.state.withLockedValue { Array($0.calls.values) }
            if calls.count == 1, let call = calls.first {
                self.serverRequest(request, during: call)
            } else if request.method == MCPMethod.ping {
                self.reply(to: request.id, result: [:])
            } else {
                self.reply(
                    to: request.id,
                    error: .internalError("a 2026-07-28 client cannot be asked \(request.method) outside a request")
                )
            }
        default:
            break
        }
    }

    // MARK: - Listen

    /// Serves `subscriptions/listen` from the legacy server's change notifications, until the host cancels it or
    /// the bridge closes.
    private func listen(_ request: JSONRPCRequest, capabilities: JSONValue, sink: any ServerMessageSink) async throws {
        let asked = request.params?["notifications"] ?? [:]
        var honoured: [String: JSONValue] = [:]
        for (key, capability) in [
            ("toolsListChanged", "tools"), ("promptsListChanged", "prompts"), ("resourcesListChanged", "resources"),
        ] where asked[key]?.boolValue == true && capabilities[capability]?["listChanged"]?.boolValue == true {
            honoured[key] = true
        }
        if capabilities["resources"]?["subscribe"]?.boolValue == true,
            let uris = asked["resourceSubscriptions"]?.arrayValue?.compactMap(\.stringValue), !uris.isEmpty
        {
            var subscribed: [JSONValue] = []
            for uri in uris.prefix(ListenHub.maxResourcesPerStream) {
                if try await self.subscribeUpstream(uri) { subscribed.append(.string(uri)) }
            }
            if !subscribed.isEmpty { honoured["resourceSubscriptions"] = .array(subscribed) }
        }
        let subscription = ListenHub.Subscription(id: request.id, filter: .object(honoured), sink: sink)
        let meta: JSONValue = [ModernWire.subscriptionID: request.id.json]
        sink.send(
            .notification(
                JSONRPCNotification(
                    method: ModernWire.subscriptionsAcknowledged,
                    params: ["notifications": .object(honoured), "_meta": meta]
                )
            )
        )
        guard let ended = self.listens.add(subscription) else {
            sink.answer(request.id, error: .internalError("more than \(ListenHub.limit) listen streams are open"))
            return
        }
        defer { self.listens.remove(ended) }
        do {
            try await ended.value
        } catch {
            return  // The host cancelled the stream: no answer is sent.
        }
        sink.answer(request.id, result: ["_meta": meta, ModernWire.resultType: .string(ModernWire.complete)])
    }
}
