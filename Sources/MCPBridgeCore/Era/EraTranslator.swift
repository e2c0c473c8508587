import Logging
import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The connection the relay talks to: it finds out whether the server speaks the host's MCP era and, when it
/// does not, translates (``LegacyHostTranslation``, ``ModernHostTranslation``); when it does, every message goes
/// to the server connection untouched, the fast path as before.
///
/// The host's era comes from its first message (`initialize`: legacy; `server/discover` or a request with the
/// modern `_meta`: modern). Whether the server speaks it comes from `--protocol`, else from what is cached for
/// its URL, else from the server itself: a legacy host's `initialize` is relayed and only a refusal leads to a
/// `server/discover` probe (a server that speaks both eras is never translated for); for a modern host the
/// bridge probes `server/discover` first. The first answer checks what the cache said: a refusal means the server
/// changed since, and it is asked again.
public final class EraTranslator: ServerConnection {
    enum Mode: Sendable {
        case relay
        case legacyHost(LegacyHostTranslation)
        case modernHost(ModernHostTranslation)

        var translates: Bool {
            if case .relay = self { return false }
            return true
        }
    }

    let upstream: any ServerConnection
    let router: UnsolicitedRouter
    let host: any ServerMessageSink
    let choice: ProtocolChoice
    let probe: EraProbe?
    let store: CredentialStore
    let serverURL: URL
    let logger: Logger
    /// Waits between listen streams; see ``LegacyHostTranslation/pause``.
    let pause: @Sendable (Duration) async throws -> Void
    /// How long the bridge's own exchanges (the probe, its `initialize` or `server/discover`) may take.
    let deadline: Duration
    private let mode = NIOLockedValueBox<Mode?>(nil)
    private let deciding = SingleFlight<Mode>()
    /// The longest the era probe may take (as long as the Python SDK gives it).
    static let probeDeadline = Duration.seconds(10)
    /// Set when the mode was decided without asking the server; the first message to see it checks the answer.
    private let unchecked = NIOLockedValueBox(false)

    init(
        upstream: any ServerConnection,
        router: UnsolicitedRouter,
        host: any ServerMessageSink,
        choice: ProtocolChoice,
        probe: EraProbe?,
        store: CredentialStore,
        serverURL: URL,
        logger: Logger,
        deadline: Duration = .seconds(30),
        pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.pause = pause
        self.deadline = deadline
        self.upstream = upstream
        self.router = router
        self.host = host
        self.choice = choice
        self.probe = probe
        self.store = store
        self.serverURL = serverURL
        self.logger = logger
    }

    public func send(_ message: HostMessage, to sink: any ServerMessageSink) async throws {
        if let mode = self.mode.withLockedValue({ $0 }) {
            try await self.send(message, to: sink, in: mode)
            return
        }
        guard let hostEra = Self.hostEra(of: message) else {
            // Nothing tells the era yet (a ping first): as it is.
            try await self.upstream.send(message, to: sink)
            return
        }
        let mode = try await self.deciding.run { try await self.decide(hostEra: hostEra) }
        let check = self.unchecked.withLockedValue { unchecked in
            defer { unchecked = false }
            return unchecked
        }
        if check {
            try await self.sendChecking(message, to: sink, in: mode, hostEra: hostEra)
        } else {
            try await self.send(message, to: sink, in: mode)
        }
    }

    public func hostInputEnded() async {
        switch self.mode.withLockedValue({ $0 }) {
        case .legacyHost(let translation): translation.close()
        case .modernHost(let translation): translation.close()
        case .relay, nil: break
        }
        await self.upstream.hostInputEnded()
    }

    public func close() async {
        await self.hostInputEnded()
        await self.upstream.close()
    }

    private func send(_ message: HostMessage, to sink: any ServerMessageSink, in mode: Mode) async throws {
        switch mode {
        case .relay:
            try await self.upstream.send(message, to: sink)
        case .legacyHost(let translation):
            try await translation.send(message, to: sink)
        case .modernHost(let translation):
            try await translation.send(message, to: sink)
        }
    }

    /// The era a host message shows, if it shows one.
    static func hostEra(of message: HostMessage) -> MCPEra? {
        if message.method == MCPMethod.initialize { return .legacy }
        if message.method == MCPMethod.discover || message.modernProtocolVersion != nil { return .modern }
        return nil
    }

    // MARK: - Deciding

    /// Picks the mode for a host of `hostEra`, once.
    private func decide(hostEra: MCPEra) async throws -> Mode {
        if let mode = self.mode.withLockedValue({ $0 }) { return mode }
        let mode: Mode
        switch (self.choice, hostEra) {
        case (.legacy, .legacy), (.modern, .modern):
            mode = .relay
        case (.legacy, .modern):
            mode = self.translation(hostEra: .modern, discover: nil)
        case (.modern, .legacy):
            mode = self.translation(hostEra: .legacy, discover: nil)
        case (.auto, _):
            mode = await self.detect(hostEra: hostEra)
        }
        self.logger.info(
            "Protocol eras",
            metadata: [
                "client": "\(hostEra.rawValue)", "translating": "\(mode.translates)", "protocol": "\(self.choice)",
            ]
        )
        self.adopt(mode)
        return mode
    }

    /// Makes `mode` the one every message goes through; a modern host's translation also takes what the server
    /// says outside any request.
    private func adopt(_ mode: Mode) {
        if case .modernHost(let translation) = mode {
            self.router.route { bytes in translation.unsolicited(bytes) }
        }
        self.mode.withLockedValue { $0 = mode }
    }

    /// `--protocol auto`: what the cache says (checked by the first answer), else what the server says.
    private func detect(hostEra: MCPEra) async -> Mode {
        let cached = self.store.cachedEras(forServer: self.serverURL)
        switch hostEra {
        case .legacy:
            // Relayed and checked: only a refusal of initialize leads to a probe.
            self.unchecked.withLockedValue { $0 = true }
            if cached?.speaksLegacy == false { return self.translation(hostEra: .legacy, discover: nil) }
            return .relay
        case .modern:
            if let speaksModern = cached?.speaksModern {
                self.unchecked.withLockedValue { $0 = true }
                return speaksModern ? .relay : self.translation(hostEra: .modern, discover: nil)
            }
            return await self.probedMode(hostEra: .modern) ?? .relay
        }
    }

    /// Probes `server/discover` and records the outcome; `nil` when the server could not be reached or the
    /// bridge speaks only legacy to it (`--transport sse`).
    private func probedMode(hostEra: MCPEra) async -> Mode? {
        guard let probe = self.probe else {
            return hostEra == .legacy ? .relay : self.translation(hostEra: .modern, discover: nil)
        }
        let era: ServerEra
        do {
            era = try await withDeadline(min(self.deadline, Self.probeDeadline), "the era probe (server/discover)") {
                try await probe.detect()
            }
        } catch {
            // Nothing learned and nothing cached: the first answer checks again.
            self.unchecked.withLockedValue { $0 = true }
            self.logger.notice(
                "Could not find out whether the server speaks 2026-07-28; relaying as is",
                metadata: ["error": "\(error)"]
            )
            return nil
        }
        switch era {
        case .modern(let discover):
            self.store.learnEras(forServer: self.serverURL, speaksModern: true)
            return hostEra == .modern ? .relay : self.translation(hostEra: .legacy, discover: discover)
        case .legacy:
            self.store.learnEras(forServer: self.serverURL, speaksModern: false)
            return hostEra == .legacy ? .relay : self.translation(hostEra: .modern, discover: nil)
        }
    }

    private func translation(hostEra: MCPEra, discover: JSONValue?) -> Mode {
        switch hostEra {
        case .legacy:
            return .legacyHost(
                LegacyHostTranslation(
                    upstream: self.upstream,
                    host: self.host,
                    discover: discover,
                    logger: self.logger,
                    deadline: self.deadline,
                    pause: self.pause
                )
            )
        case .modern:
            return .modernHost(
                ModernHostTranslation(
                    upstream: self.upstream,
                    host: self.host,
                    logger: self.logger,
                    deadline: self.deadline
                )
            )
        }
    }

    /// Sends the host's first message when the mode was picked without asking the server (a legacy host's
    /// `initialize`, anything the cache decided, or after a probe that failed). A refusal that looks like a server
    /// of the other era (an error of the handshake or the version, 400/404/405) means the server does not speak
    /// what the bridge assumed (it never did, or it changed since the cache was written): the server is probed,
    /// and the message sent again in the mode that calls for. Anything else (a timeout, an unreachable server, an
    /// ordinary error) is the answer, and the cache stays.
    private func sendChecking(
        _ message: HostMessage,
        to sink: any ServerMessageSink,
        in mode: Mode,
        hostEra: MCPEra
    ) async throws {
        guard let id = message.requestID else {
            try await self.send(message, to: sink, in: mode)
            return
        }
        let capture = AnswerCapture(id: id) { _, bytes in sink.deliver(bytes) }
        var failure: (any Error)?
        do {
            try await self.send(message, to: capture, in: mode)
        } catch {
            failure = error
        }
        if case .response = capture.answer, let bytes = capture.answerBytes {
            if !mode.translates, hostEra == .legacy {
                self.store.learnEras(forServer: self.serverURL, speaksLegacy: true)
            }
            sink.deliver(bytes)
            return
        }
        guard Self.looksLikeOtherEra(answer: capture.answer, failure: failure) else {
            try Self.deliver(capture, failure, to: sink)
            return
        }
        self.logger.debug(
            "The server refused the first message; asking it which era it speaks",
            metadata: [
                "answer": "\(LegacyHostTranslation.describe(capture.answer))",
                "error": "\(failure.map { "\($0)" } ?? "none")",
            ]
        )
        self.store.forgetEras(forServer: self.serverURL)
        guard let fresh = await self.probedMode(hostEra: hostEra), fresh.translates != mode.translates else {
            // The era holds: the refusal is the answer.
            try Self.deliver(capture, failure, to: sink)
            return
        }
        self.logger.notice(
            "The server does not speak the client's protocol era; translating",
            metadata: ["translating": "\(fresh.translates)"]
        )
        if case .legacyHost = fresh { self.store.learnEras(forServer: self.serverURL, speaksLegacy: false) }
        self.adopt(fresh)
        try await self.send(message, to: sink, in: fresh)
    }

    private static func deliver(
        _ capture: AnswerCapture,
        _ failure: (any Error)?,
        to sink: any ServerMessageSink
    ) throws {
        if let bytes = capture.answerBytes {
            sink.deliver(bytes)
        } else if let failure {
            throw failure
        }
    }

    /// Whether a refusal is what a server of the other era answers: an error of the handshake or the version
    /// (method not found, invalid request or params, -32020 … -32022), an HTTP 400, 404 or 405 without a JSON-RPC
    /// answer, or a translation whose own handshake the server refused.
    static func looksLikeOtherEra(answer: JSONRPCMessage?, failure: (any Error)?) -> Bool {
        if case .errorResponse(let error) = answer {
            let code = error.error.code
            return ModernWire.isModernError(code) || [.methodNotFound, .invalidRequest, .invalidParams].contains(code)
        }
        switch failure {
        case is EraMismatch: return true
        case BridgeError.httpStatus(let status, _)?: return [400, 404, 405].contains(status)
        default: return false
        }
    }
}

/// A translation's own handshake (`initialize` to a legacy server, `server/discover` to a modern one) was refused:
/// the server does not speak the era the bridge took it for.
struct EraMismatch: Error, CustomStringConvertible {
    let description: String
}
