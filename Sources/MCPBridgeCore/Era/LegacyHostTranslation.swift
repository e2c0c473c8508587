import Logging
import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A legacy host (it opened with `initialize`) in front of a 2026-07-28 server.
///
/// The bridge answers `initialize` from the server's `server/discover` result, absorbs what the modern era
/// removed (`notifications/initialized`, `ping`, `logging/setLevel`, `resources/subscribe`), gives every request
/// the `_meta` the modern era requires, turns `input_required` results into the legacy server-to-client requests
/// on stdout and retries with the host's answers, and turns a `subscriptions/listen` stream into the legacy
/// change notifications.
final class LegacyHostTranslation: Sendable {
    let upstream: any ServerConnection
    /// The host's stdout, for what the bridge sends outside any request (change notifications, input requests).
    let host: any ServerMessageSink
    let hostRequests: HostRequests
    let logger: Logger
    /// Waits between listen streams (``ListenBackoff``); a test records the waits instead.
    let pause: @Sendable (Duration) async throws -> Void
    /// How long the bridge's own `server/discover` may take.
    let deadline: Duration
    /// Most rounds of input one request may take before the bridge gives up on it.
    static let maxRounds = 8
    /// Most input requests one round may carry: each may be a dialog in front of a person.
    static let maxInputsPerRound = 8
    /// The log levels `logging/setLevel` takes (RFC 5424 severities).
    static let logLevels: Set<String> = [
        "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency",
    ]

    private struct State {
        var discover: JSONValue?
        var capabilities: JSONValue = [:]
        var clientInfo: JSONValue?
        var logLevel: String?
        var subscriptions: Set<String> = []
        var nextID = 1
        var listener: Task<Void, Never>?
        /// Counts listener restarts, so of two racing restarts the later one's stream is the one kept.
        var listenerGeneration = 0
        var initialized = false
        var closed = false
    }

    private let state: NIOLockedValueBox<State>
    private let discovering = SingleFlight<JSONValue>()

    init(
        upstream: any ServerConnection,
        host: any ServerMessageSink,
        discover: JSONValue?,
        logger: Logger,
        deadline: Duration,
        pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.upstream = upstream
        self.pause = pause
        self.deadline = deadline
        self.host = host
        self.hostRequests = HostRequests(host: host)
        self.logger = logger
        self.state = NIOLockedValueBox(State(discover: discover))
    }

    func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        switch message.message {
        case .request(let request):
            try await self.handle(request, original: message, sink: sink)
        case .notification(let notification):
            switch notification.method {
            case MCPMethod.initializedNotification:
                self.state.withLockedValue { $0.initialized = true }
                self.restartListener()
            case MCPMethod.cancelledNotification, ModernWire.rootsListChanged:
                // Cancelling closes the request's stream (the relay cancels its task); roots changes have no
                // modern form: the server asks for roots again when it needs them.
                break
            default:
                try await self.upstream.send(HostMessage(notification: self.withMeta(notification)), to: sink)
            }
        case .response, .errorResponse:
            if !self.hostRequests.take(message.message) {
                self.logger.debug("Dropped an answer to no request of the bridge")
            }
        }
    }

    func close() {
        let listener = self.state.withLockedValue { state in
            state.closed = true
            defer { state.listener = nil }
            return state.listener
        }
        listener?.cancel()
    }

    // MARK: - Requests

    private func handle(_ request: JSONRPCRequest, original: HostMessage, sink: any ServerMessageSink) async throws {
        switch request.method {
        case MCPMethod.initialize:
            try await self.initialize(request, sink: sink)
        case MCPMethod.ping:
            sink.answer(request.id, result: [:])
        case ModernWire.loggingSetLevel:
            guard let level = request.params?["level"]?.stringValue, Self.logLevels.contains(level) else {
                sink.answer(request.id, error: .invalidParams("params.level must be one of \(Self.logLevels.sorted())"))
                return
            }
            self.state.withLockedValue { $0.logLevel = level }
            sink.answer(request.id, result: [:])
        case ModernWire.resourcesSubscribe, ModernWire.resourcesUnsubscribe:
            guard let uri = request.params?["uri"]?.stringValue else {
                sink.answer(request.id, error: .invalidParams("params.uri is required"))
                return
            }
            self.state.withLockedValue { state in
                if request.method == ModernWire.resourcesSubscribe {
                    state.subscriptions.insert(uri)
                } else {
                    state.subscriptions.remove(uri)
                }
            }
            sink.answer(request.id, result: [:])
            self.restartListener()
        default:
            try await self.forward(request, sink: sink)
        }
    }

    /// Answers `initialize` from the server's discovery result, with the host's version when it is one the
    /// legacy era has.
    private func initialize(_ request: JSONRPCRequest, sink: any ServerMessageSink) async throws {
        let params = request.params ?? [:]
        self.state.withLockedValue { state in
            state.capabilities = Self.modernCapabilities(params["capabilities"] ?? [:])
            state.clientInfo = params["clientInfo"]
        }
        let discover = try await self.discoverResult()
        let requested = params["protocolVersion"]?.stringValue.map(MCPProtocolVersion.init(rawValue:))
        let version = requested.flatMap { MCPProtocolVersion.legacy.contains($0) ? $0 : nil } ?? .latestLegacy
        var result: [String: JSONValue] = [
            "protocolVersion": .string(version.rawValue),
            "capabilities": discover["capabilities"] ?? [:],
            "serverInfo": discover["_meta"]?[MCPMetaKey.serverInfo] ?? discover["serverInfo"]
                ?? ["name": "unknown", "version": "0"],
        ]
        if let instructions = discover["instructions"] { result["instructions"] = instructions }
        sink.answer(request.id, result: .object(result))
    }

    /// The server's `server/discover` result: the probe's, else asked for now with the host's capabilities.
    private func discoverResult() async throws -> JSONValue {
        if let known = self.state.withLockedValue({ $0.discover }) { return known }
        return try await self.discovering.run {
            if let known = self.state.withLockedValue({ $0.discover }) { return known }
            let (capabilities, clientInfo) = self.state.withLockedValue { ($0.capabilities, $0.clientInfo) }
            let request = EraProbe.discoverRequest(
                id: self.nextID("discover"),
                capabilities: capabilities,
                clientInfo: clientInfo
            )
            let capture = AnswerCapture(id: request.id)
            try await withDeadline(self.deadline, "server/discover") {
                try await self.upstream.send(HostMessage(request: request), to: capture)
            }
            guard case .response(let response) = capture.answer else {
                throw EraMismatch(description: "the server refused server/discover (\(Self.describe(capture.answer)))")
            }
            self.state.withLockedValue { $0.discover = response.result }
            return response.result
        }
    }

    /// Sends a host request with the modern `_meta`, and answers it once the server completes it, asking the
    /// host for whatever input the server needs on the way.
    private func forward(_ request: JSONRPCRequest, sink: any ServerMessageSink) async throws {
        var params = request.params ?? [:]
        var attemptID = request.id
        for round in 0...Self.maxRounds {
            let attempt = self.withMeta(JSONRPCRequest(id: attemptID, method: request.method, params: params))
            // Progress and log messages about the request go to the host as they come; nothing else a server puts on
            // a request's stream is the host's business (2026-07-28 servers send no requests there).
            let capture = AnswerCapture(id: attemptID) { message, bytes in
                if case .notification(let notification) = message,
                    [MCPMethod.progressNotification, ModernWire.loggingMessage].contains(notification.method)
                {
                    sink.deliver(bytes)
                }
            }
            try await self.upstream.send(HostMessage(request: attempt), to: capture)
            switch capture.answer {
            case .response(let response):
                guard response.result[ModernWire.resultType]?.stringValue == ModernWire.inputRequired else {
                    sink.answer(request.id, result: response.result)
                    return
                }
                guard round < Self.maxRounds else {
                    sink.answer(
                        request.id,
                        error: .internalError(
                            "the server asked for input more than \(Self.maxRounds) times for one \(request.method); the bridge gave up"
                        )
                    )
                    return
                }
                let responses: [String: JSONValue]
                do {
                    responses = try await self.collectInput(response.result[ModernWire.inputRequests], for: request)
                } catch let refusal as InputRefusal {
                    sink.answer(request.id, error: refusal.error)
                    return
                }
                params[ModernWire.inputResponses] = responses.isEmpty ? nil : .object(responses)
                params[ModernWire.requestState] = response.result[ModernWire.requestState]
                if responses.isEmpty {
                    // Only state came back: the server is working; ask again after a short pause, growing per round.
                    try await Task.sleep(for: .milliseconds(50 * (round + 1)))
                }
                // A retry is a new request (2026-07-28 MRTR): a new id, the same method and arguments.
                attemptID = self.nextID("retry")
            case .errorResponse(let error):
                sink.answer(request.id, error: error.error)
                return
            default:
                throw BridgeError.protocolViolation("no answer to request \(attemptID)")
            }
        }
    }

    /// Why a request cannot go on: the error the host gets instead of its answer.
    private struct InputRefusal: Error {
        let error: JSONRPCError
    }

    /// Asks the host each input request as the legacy server-to-client request it is, all at once, and returns
    /// the answers keyed like the requests.
    private func collectInput(
        _ inputRequests: JSONValue?,
        for request: JSONRPCRequest
    ) async throws -> [String: JSONValue] {
        guard let inputs = inputRequests?.objectValue, !inputs.isEmpty else { return [:] }
        guard inputs.count <= Self.maxInputsPerRound else {
            throw InputRefusal(
                error: .internalError(
                    "the server asked for \(inputs.count) inputs at once (more than \(Self.maxInputsPerRound)); the bridge refused"
                )
            )
        }
        let capabilities = self.state.withLockedValue { $0.capabilities }
        var asks: [(key: String, method: String, params: JSONValue?)] = []
        for (key, input) in inputs.sorted(by: { $0.key < $1.key }) {
            guard let method = input["method"]?.stringValue, let capability = ModernWire.requiredCapability(for: method)
            else {
                throw InputRefusal(
                    error: .internalError("the server asked for input of a kind the bridge does not know (\(key))")
                )
            }
            guard capabilities[capability] != nil else {
                throw InputRefusal(
                    error: JSONRPCError(
                        code: .missingRequiredClientCapability,
                        message:
                            "The server needs the client's \(capability) capability (\(method)) to finish \(request.method), and this client did not declare it",
                        data: ["requiredCapabilities": .object([capability: [:]])]
                    )
                )
            }
            asks.append((key, method, input["params"]))
        }
        return try await withThrowingTaskGroup(of: (String, JSONValue).self) { group in
            for ask in asks {
                group.addTask {
                    let answer = try await self.hostRequests.ask(ask.method, params: ask.params)
                    switch answer {
                    case .response(let response):
                        return (ask.key, response.result)
                    case .errorResponse where ask.method == ModernWire.elicitationCreate:
                        // A client that could not ask the person: to the server, the person did not answer.
                        return (ask.key, ["action": "cancel"])
                    case .errorResponse(let error):
                        throw InputRefusal(error: error.error)
                    default:
                        throw InputRefusal(error: .internalError("the client sent no answer to \(ask.method)"))
                    }
                }
            }
            var responses: [String: JSONValue] = [:]
            for try await (key, value) in group { responses[key] = value }
            return responses
        }
    }

    /// `params` with the `_meta` every 2026-07-28 request carries: the version, and the host's capabilities,
    /// client info and log level from its `initialize` and `logging/setLevel`.
    private func withMeta(_ request: JSONRPCRequest) -> JSONRPCRequest {
        var request = request
        request.params = self.withMeta(request.params)
        return request
    }

    private func withMeta(_ notification: JSONRPCNotification) -> JSONRPCNotification {
        var notification = notification
        notification.params = self.withMeta(notification.params)
        return notification
    }

    private func withMeta(_ params: [String: JSONValue]?) -> [String: JSONValue] {
        let (capabilities, clientInfo, logLevel) = self.state.withLockedValue {
            ($0.capabilities, $0.clientInfo, $0.logLevel)
        }
        var params = params ?? [:]
        var meta = params["_meta"]?.objectValue ?? [:]
        meta[MCPMetaKey.protocolVersion] = .string(MCPProtocolVersion.latest.rawValue)
        meta[MCPMetaKey.clientCapabilities] = capabilities
        if let clientInfo { meta[MCPMetaKey.clientInfo] = clientInfo }
        if let logLevel { meta[MCPMetaKey.logLevel] = .string(logLevel) }
        params["_meta"] = .object(meta)
        return params
    }

    private func nextID(_ purpose: String) -> JSONRPCID {
        self.state.withLockedValue { state in
            defer { state.nextID += 1 }
            return BridgeIDs.make(purpose, state.nextID)
        }
    }

    /// The host's legacy capabilities as a 2026-07-28 client's: `roots.listChanged` goes (that notification is gone).
    static func modernCapabilities(_ capabilities: JSONValue) -> JSONValue {
        guard var object = capabilities.objectValue, var roots = object["roots"]?.objectValue else {
            return capabilities
        }
        roots["listChanged"] = nil
        object["roots"] = .object(roots)
        return .object(object)
    }

    static func describe(_ answer: JSONRPCMessage?) -> String {
        switch answer {
        case .errorResponse(let error): "error \(error.error.code): \(error.error.message)"
        case nil: "no answer"
        default: "an unexpected message"
        }
    }

    // MARK: - Change notifications

    /// (Re)opens the `subscriptions/listen` stream for what the server can notify about, once the host is
    /// initialized: on `notifications/initialized`, and whenever the subscribed resources change.
    private func restartListener() {
        let (old, generation) = self.state.withLockedValue { state -> (Task<Void, Never>?, Int) in
            state.listenerGeneration += 1
            defer { state.listener = nil }
            return (state.listener, state.listenerGeneration)
        }
        old?.cancel()
        guard let filter = self.listenFilter() else { return }
        let task = Task { [self] in await self.listen(filter) }
        // Kept only if no later restart came meanwhile: the later one saw the newer subscriptions.
        let (stale, replaced) = self.state.withLockedValue { state -> (Bool, Task<Void, Never>?) in
            if state.closed || state.listenerGeneration != generation { return (true, nil) }
            defer { state.listener = task }
            return (false, state.listener)
        }
        replaced?.cancel()
        if stale { task.cancel() }
    }

    /// The notifications to opt in to: those the server's capabilities offer; `nil` when there are none.
    private func listenFilter() -> JSONValue? {
        let (discover, subscriptions, initialized) = self.state.withLockedValue {
            ($0.discover, $0.subscriptions, $0.initialized)
        }
        guard initialized, let capabilities = discover?["capabilities"] else { return nil }
        var filter: [String: JSONValue] = [:]
        if capabilities["tools"]?["listChanged"]?.boolValue == true { filter["toolsListChanged"] = true }
        if capabilities["prompts"]?["listChanged"]?.boolValue == true { filter["promptsListChanged"] = true }
        if capabilities["resources"]?["listChanged"]?.boolValue == true { filter["resourcesListChanged"] = true }
        if capabilities["resources"]?["subscribe"]?.boolValue == true, !subscriptions.isEmpty {
            filter["resourceSubscriptions"] = .array(subscriptions.sorted().map(JSONValue.string))
        }
        return filter.isEmpty ? nil : .object(filter)
    }

    /// Keeps a listen stream open: a stream that ends (a serverless host ends every stream at once) is opened
    /// again after a delay that doubles up to a minute, and starts over once a stream has lasted a minute.
    private func listen(_ filter: JSONValue) async {
        var delay = ListenBackoff()
        while !Task.isCancelled {
            let id = self.nextID("listen")
            let request = self.withMeta(
                JSONRPCRequest(id: id, method: ModernWire.subscriptionsListen, params: ["notifications": filter])
            )
            let capture = AnswerCapture(id: id) { [self] message, _ in self.relayChange(message) }
            let opened = ContinuousClock.now
            do {
                try await self.upstream.send(HostMessage(request: request), to: capture)
                self.logger.debug("The listen stream ended", metadata: ["answer": "\(Self.describe(capture.answer))"])
            } catch {
                if Task.isCancelled { return }
                self.logger.notice("The listen stream failed", metadata: ["error": "\(error)"])
            }
            let wait = delay.next(after: ContinuousClock.now - opened)
            do {
                try await self.pause(wait)
            } catch {
                return
            }
        }
    }

    /// A notification on the listen stream, in its legacy form.
    private func relayChange(_ message: JSONRPCMessage) {
        guard case .notification(var notification) = message else { return }
        switch notification.method {
        case ModernWire.subscriptionsAcknowledged:
            self.logger.debug(
                "Listening for changes",
                metadata: ["honoured": "\(notification.params?["notifications"] ?? [:])"]
            )
        case ModernWire.toolsListChanged, ModernWire.promptsListChanged, ModernWire.resourcesListChanged,
            ModernWire.resourcesUpdated:
            if var meta = notification.params?["_meta"]?.objectValue {
                meta[ModernWire.subscriptionID] = nil
                notification.params?["_meta"] = meta.isEmpty ? nil : .object(meta)
            }
            if notification.params?.isEmpty == true { notification.params = nil }
            self.host.send(.notification(notification))
        default:
            // Anything else on a listen stream (a server's cancellation of it, stray progress) is not the host's.
            self.logger.debug(
                "Dropped a notification on the listen stream",
                metadata: ["method": "\(notification.method)"]
            )
        }
    }
}
