import Logging
import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps a legacy host from waiting without word while a person signs in.
///
/// Hosts give `initialize` a short deadline (Claude Desktop kills a server that does not answer in time), and a
/// person may take minutes in the browser. When `initialize` is still unanswered after the handshake wait and a
/// sign-in is under way, the bridge answers it itself (tools, prompts and resources that announce changes; the
/// resource's name from its metadata; instructions saying where to sign in) and logs where to sign in to the
/// host. Once the person has signed in it completes the server's own handshake (the host's `initialize`, then
/// the `notifications/initialized` it held back) and tells the host its lists changed, so it asks again.
/// Requests in between wait for that, up to the sign-in wait, then get an error that says where to sign in.
///
/// Everything else passes straight through: with cached credentials the server answers `initialize` long before
/// the handshake wait, and after the handshake the gate only reads its phase.
final class SignInGate: ServerConnection {
    private let inner: any ServerConnection
    private let provider: TokenProvider
    /// The host: where the list-changed notifications and the log message go.
    private let host: any ServerMessageSink
    private let handshakeWait: Duration
    private let signInWait: Duration
    private let logger: Logger
    private let completing = SingleFlight<Void>()

    private struct Early: Sendable {
        /// The host's `initialize`, sent again once signed in.
        var initialize: HostMessage
        /// The first attempt, still waiting on the sign-in; `nil` once it has been awaited.
        var attempt: Task<Bool, Never>?
        /// Notifications the host sent after the answer the bridge gave, for after the server's handshake.
        var held: [HostMessage] = []
    }

    /// `nil` while messages pass through; set while the bridge's own answer to `initialize` stands in for the
    /// server's.
    private let early = NIOLockedValueBox<Early?>(nil)

    init(
        inner: any ServerConnection,
        provider: TokenProvider,
        host: any ServerMessageSink,
        handshakeWait: Duration,
        signInWait: Duration,
        logger: Logger
    ) {
        self.inner = inner
        self.provider = provider
        self.host = host
        self.handshakeWait = handshakeWait
        self.signInWait = signInWait
        self.logger = logger
    }

    func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        if message.method == MCPMethod.initialize, message.requestID != nil {
            return try await self.handshake(message, sink: sink)
        }
        let waiting = self.early.withLockedValue { early -> Bool in
            guard early != nil else { return false }
            if message.requestID == nil, case .notification = message.message {
                early?.held.append(message)
            }
            return true
        }
        guard waiting else { return try await self.inner.send(message, to: sink) }
        guard let id = message.requestID else { return }
        if message.method == MCPMethod.ping {
            sink.answer(id, result: .object([:]))
            return
        }
        try await self.awaitHandshake()
        try await self.inner.send(message, to: sink)
    }

    func hostInputEnded() async { await self.inner.hostInputEnded() }

    func close() async {
        let attempt = self.early.withLockedValue { $0?.attempt }
        attempt?.cancel()
        await self.inner.close()
    }

    /// Relays `initialize`; answers it itself when a sign-in holds it up past the handshake wait.
    private func handshake(_ message: HostMessage, sink: any ServerMessageSink) async throws {
        guard let id = message.requestID else { return }
        let answer = OneShot<[UInt8]>()
        let capture = AnswerCapture(id: id) { _, bytes in sink.deliver(bytes) }
        let inner = self.inner
        let attempt = Task<Bool, Never> {
            do {
                try await inner.send(message, to: capture)
                if let bytes = capture.answerBytes {
                    answer.succeed(bytes)
                    return true
                }
                answer.fail(BridgeError.protocolViolation("the server sent no answer to initialize"))
            } catch {
                answer.fail(error)
            }
            return false
        }
        let wait = self.handshakeWait
        let answeredInTime = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await answer.value) != nil || answer.isSet }
            group.addTask {
                try? await Task.sleep(for: wait)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
        if answeredInTime || answer.isSet {
            do {
                sink.deliver(try await answer.value)
                return
            } catch BridgeError.signInRequired {
                // The sign-in wait is shorter than the handshake wait: the bridge answers all the same.
            }
        } else if await !self.provider.isRecovering {
            // Slow, but not for a sign-in: the server's answer, whenever it comes.
            sink.deliver(try await answer.value)
            return
        }
        self.early.withLockedValue { $0 = Early(initialize: message, attempt: attempt) }
        let instructions = self.provider.signInInstructions() ?? "sign in where the bridge's log says"
        sink.answer(id, result: self.standIn(for: message, instructions: instructions))
        self.logger.notice("Answered initialize for the server while a person signs in", metadata: ["id": "\(id)"])
        self.host.send(
            .notification(
                JSONRPCNotification(
                    method: MCPMethod.messageNotification,
                    params: [
                        "level": .string("warning"), "logger": .string("mcp-bridge"),
                        "data": .string("Not signed in yet: \(instructions)"),
                    ]
                )
            )
        )
        // Finish in the background, so the host hears about its lists without having to ask first.
        _ = await self.completing.join { try await self.completeHandshake() }
    }

    /// Waits (at most the sign-in wait) for the server's handshake after the bridge answered `initialize`.
    private func awaitHandshake() async throws {
        let outcome = await self.completing.join { try await self.completeHandshake() }
        do {
            try await withDeadline(self.signInWait, "signing in") { try await outcome.value }
        } catch BridgeError.timeout {
            throw BridgeError.signInRequired(
                self.provider.signInInstructions() ?? "finish signing in where the bridge asked (see its log)"
            )
        }
    }

    /// Once signed in: the host's `initialize` (again, unless the first attempt got through), the notifications
    /// held back, then the host hears that its lists changed.
    private func completeHandshake() async throws {
        guard let pending = self.early.withLockedValue({ $0 }) else { return }
        var done = false
        if let attempt = pending.attempt {
            done = await attempt.value
            self.early.withLockedValue { $0?.attempt = nil }
        }
        if !done, let id = pending.initialize.requestID {
            _ = try await self.provider.signInNow(challenge: nil)
            let capture = AnswerCapture(id: id)
            try await self.inner.send(pending.initialize, to: capture)
            if case .errorResponse(let refusal) = capture.answer {
                self.logger.error(
                    "The server refused initialize after sign-in",
                    metadata: ["error": "\(refusal.error.message)"]
                )
            }
        }
        let held = self.early.withLockedValue { early -> [HostMessage] in
            defer { early = nil }
            return early?.held ?? []
        }
        for notification in held { try? await self.inner.send(notification, to: self.host) }
        self.logger.notice("Signed in: the server's handshake is done")
        for method in [
            MCPMethod.toolsListChangedNotification, MCPMethod.promptsListChangedNotification,
            MCPMethod.resourcesListChangedNotification,
        ] {
            self.host.send(.notification(JSONRPCNotification(method: method)))
        }
    }

    /// The bridge's own `initialize` result: the host's version, lists that announce changes, the resource's
    /// name, and where to sign in.
    private func standIn(for message: HostMessage, instructions: String) -> JSONValue {
        let version = message.params?["protocolVersion"]?.stringValue ?? "2025-06-18"
        let listChanged: JSONValue = .object(["listChanged": .bool(true)])
        return .object([
            "protocolVersion": .string(version),
            "capabilities": .object([
                "tools": listChanged, "prompts": listChanged, "resources": listChanged, "logging": .object([:]),
            ]),
            "serverInfo": .object([
                "name": .string("mcp-bridge"),
                "title": .string(self.provider.resourceName ?? self.provider.resource.host ?? "MCP server"),
                "version": .string(RemoteMCP.version),
            ]),
            "instructions": .string(
                "Not signed in yet: \(instructions). The tools appear once you have signed in."
            ),
        ])
    }
}
