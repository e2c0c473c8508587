import Foundation
import Logging
import MCPWire
import NIOCore

@testable import MCPBridgeCore

/// A relay over an ``EraTranslator`` whose server era is forced, between a recording host and a scripted
/// upstream: era translation in process, without a network or a process.
struct TranslationRig {
    let host: RecordingHost
    let upstream: ScriptedUpstream
    let router: UnsolicitedRouter
    let log: Recorder<String>
    private let input: AsyncStream<HostInputEvent>.Continuation
    private let running: Task<Void, Never>

    init(
        server: ProtocolChoice,
        deadline: Duration = .seconds(30),
        pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        script: @escaping @Sendable (JSONRPCMessage, any ServerMessageSink) async throws -> Void
    ) {
        let host = RecordingHost()
        let log = Recorder<String>()
        let upstream = ScriptedUpstream(script: script)
        let router = UnsolicitedRouter(host: host)
        let logger = LogRecorder.logger(log)
        let translator = EraTranslator(
            upstream: upstream,
            router: router,
            host: host,
            choice: server,
            probe: nil,
            store: CredentialStore(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent("era-\(UUID().uuidString)")
            ),
            serverURL: URL(string: "https://mcp.example.com/mcp")!,
            logger: logger,
            deadline: deadline,
            pause: pause
        )
        let relay = Relay(connection: translator, output: host, shutdownGrace: .seconds(30), logger: logger)
        let (stream, input) = AsyncStream.makeStream(of: HostInputEvent.self)
        self.host = host
        self.upstream = upstream
        self.router = router
        self.log = log
        self.input = input
        self.running = Task { await relay.run(input: stream) }
    }

    func write(_ message: JSONValue) {
        self.input.yield(.line(message.serialized()))
    }

    /// Closes stdin and returns once the relay has finished.
    func finish() async {
        self.input.finish()
        await self.running.value
    }

    /// Waits for the host to have received a message matching `matches`, and returns it.
    @discardableResult
    func hostReceives(_ matches: @escaping @Sendable (JSONValue) -> Bool) async throws -> JSONValue {
        try await self.host.messages.waitFor(matches)
        return self.host.messages.items.first(where: matches)!
    }

    /// Waits for the host's answer to request `id`.
    func answer(to id: JSONValue) async throws -> JSONValue {
        try await self.hostReceives { $0["id"] == id && $0["method"] == nil }
    }

    static func request(_ id: JSONValue, _ method: String, _ params: JSONValue = [:]) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params]
    }

    static func modernMeta(capabilities: JSONValue = ["elicitation": [:]]) -> JSONValue {
        [
            MCPMetaKey.protocolVersion: "2026-07-28",
            MCPMetaKey.clientCapabilities: capabilities,
            MCPMetaKey.clientInfo: ["name": "modern-host", "version": "1"],
        ]
    }
}

extension ServerMessageSink {
    /// Answers request `request` (which must be a request) with `result`.
    func reply(_ request: JSONRPCMessage, _ result: JSONValue) {
        guard case .request(let request) = request else { return }
        self.answer(request.id, result: result)
    }
}
