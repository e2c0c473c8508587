import Logging
import MCPWire
import NIOCore
import Testing

@testable import MCPBridgeCore

/// The relay in process, between a recording host and a scripted server connection: what it promises the host
/// (one answer per request, messages both ways, a clean end) without a network, a process or a sleep.
@Suite("relay", .timeLimit(.minutes(1)))
struct RelayTests {
    /// A relay running between a ``RecordingHost`` and a ``ScriptedServerConnection``, fed by the test.
    struct Rig {
        let host: RecordingHost
        let server: ScriptedServerConnection
        let log: Recorder<String>
        private let input: AsyncStream<HostInputEvent>.Continuation
        private let running: Task<Void, Never>

        init(
            shutdownGrace: TimeAmount = .seconds(30),
            script: @escaping @Sendable (HostMessage) async throws -> ScriptedServerConnection.Reply
        ) {
            let host = RecordingHost()
            let log = Recorder<String>()
            let server = ScriptedServerConnection(host: host, script: script)
            let relay = Relay(
                connection: server,
                output: host,
                shutdownGrace: shutdownGrace,
                logger: LogRecorder.logger(log)
            )
            let (stream, input) = AsyncStream.makeStream(of: HostInputEvent.self)
            self.host = host
            self.log = log
            self.server = server
            self.input = input
            self.running = Task { await relay.run(input: stream) }
        }

        /// The host writes one line.
        func write(_ line: String) {
            self.input.yield(.line(Array(line.utf8)))
        }

        /// The host writes a line longer than the limit.
        func writeOversized(_ byteCount: Int) {
            self.input.yield(.oversized(byteCount: byteCount))
        }

        /// The host closes stdin.
        func endInput() {
            self.input.finish()
        }

        /// Closes stdin and returns once the relay has finished.
        func finish() async {
            self.input.finish()
            await self.running.value
        }
    }

    static func request(
        _ id: Int,
        _ method: String = "tools/call",
        name: String = "echo",
        modern: Bool = false
    )
        -> String
    {
        let meta = modern ? #","_meta":{"\#(MCPMetaKey.protocolVersion)":"2026-07-28"}"# : ""
        return #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{"name":"\#(name)"\#(meta)}}"#
    }

    static func cancel(_ id: Int) -> String {
        #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":\#(id)}}"#
    }

    @Test("every request gets exactly one answer: the server's, or one JSON-RPC error saying why")
    func oneAnswerPerRequest() async throws {
        let rig = Rig { message in
            if message.params?["name"]?.stringValue == "fails" {
                return .failure(.connectionLost("the server closed the connection"))
            }
            return .result(["echo": message.requestID!.json])
        }
        for id in 1...12 { rig.write(Self.request(id, name: id % 3 == 0 ? "fails" : "echo")) }
        // A message with an id the relay can read but not relay is answered by the relay itself.
        rig.write(#"{"jsonrpc":"1.0","id":"bad","method":"ping"}"#)
        // Neither of these carries an id to answer.
        rig.write("not json")
        rig.writeOversized(1 << 30)
        await rig.finish()

        for id in 1...12 {
            let answers = rig.host.answers(to: .number(JSONNumber(id)))
            #expect(answers.count == 1, "request \(id): \(answers)")
            if id % 3 == 0 {
                #expect(answers.first?["error"]?["code"] == -32000)
                #expect(answers.first?["error"]?["data"]?["kind"] == "connection-lost")
            } else {
                #expect(answers.first?["result"]?["echo"] == .number(JSONNumber(id)))
            }
        }
        let bad = rig.host.answers(to: "bad")
        #expect(bad.count == 1)
        #expect(bad.first?["error"]?["code"] == -32600)
        #expect(rig.host.messages.items.count == 13)
        #expect(rig.server.sent.items.count == 12)
    }

    @Test("notifications and server requests pass both ways, and the host's answers reach the server")
    func messagesBothWays() async throws {
        let progress: JSONValue = [
            "jsonrpc": "2.0", "method": "notifications/progress",
            "params": ["progressToken": "p", "progress": 1],
        ]
        let rig = Rig { _ in .messagesThenResult([progress], ["done": true]) }
        rig.write(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        // Each message is relayed by a task of its own: wait, so the order below is the order sent.
        try await rig.server.sent.waitForCount(1)
        rig.write(Self.request(1))
        try await rig.host.messages.waitForCount(2)
        // Progress reaches the host before the answer it belongs to.
        #expect(rig.host.messages.items.map { $0["method"] ?? "answer" } == ["notifications/progress", "answer"])

        // The server's own messages, outside any answer, and the host's answer to a server request.
        rig.server.push(["jsonrpc": "2.0", "method": "notifications/tools/list_changed"])
        rig.server.push(["jsonrpc": "2.0", "id": "s1", "method": "roots/list"])
        try await rig.host.messages.waitForCount(4)
        rig.write(#"{"jsonrpc":"2.0","id":"s1","result":{"roots":[]}}"#)
        try await rig.server.sent.waitForCount(3)
        await rig.finish()

        let sent = rig.server.sent.items
        #expect(sent.map(\.method) == ["notifications/initialized", "tools/call", nil])
        if case .response(let response) = sent.last?.message {
            #expect(response.id == JSONRPCID("s1"))
        } else {
            Issue.record("the host's answer to the server's request did not reach the server as a response")
        }
        #expect(rig.host.messages.items.count == 4, "the relay answers no notification and no response")
    }

    @Test("a connection failure answers every request in flight with one JSON-RPC error, and the relay goes on")
    func connectionFailure() async throws {
        let failure = OneShot<BridgeError>()
        let rig = Rig { message in
            if message.method == "ping" { return .result([:]) }
            return .failure(try await failure.value)
        }
        for id in 1...3 { rig.write(Self.request(id)) }
        try await rig.server.sent.waitForCount(3)
        failure.succeed(.connectionLost("the server closed the connection"))
        try await rig.host.messages.waitForCount(3)
        rig.write(Self.request(4, "ping"))
        try await rig.host.messages.waitForCount(4)
        await rig.finish()

        for id in 1...3 {
            let answers = rig.host.answers(to: .number(JSONNumber(id)))
            #expect(answers.count == 1, "request \(id): \(answers)")
            #expect(answers.first?["error"]?["data"]?["kind"] == "connection-lost")
            let message = answers.first?["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("the server closed the connection"), "\(message)")
        }
        #expect(rig.host.answers(to: 4).first?["result"] != nil)
    }

    @Test("stdin EOF with nothing in flight closes the server session once, and the relay returns")
    func endOfInput() async throws {
        let rig = Rig { _ in .result([:]) }
        await rig.finish()
        #expect(rig.server.timeline.items == ["closed"])
        #expect(rig.host.messages.items.isEmpty)
    }

    @Test("stdin EOF waits for the requests in flight, then closes")
    func endOfInputWaitsForAnswers() async throws {
        let release = OneShot<Void>()
        let rig = Rig { _ in
            try await release.value
            return .result(["late": true])
        }
        rig.write(Self.request(1))
        try await rig.server.sent.waitForCount(1)
        rig.endInput()
        try await rig.log.waitFor { $0 == "stdin closed" }
        #expect(!rig.server.timeline.items.contains("closed"), "closed with a request in flight")
        release.succeed(())
        await rig.finish()

        #expect(rig.host.answers(to: 1).first?["result"]?["late"] == true)
        #expect(rig.server.timeline.items == ["sent tools/call", "answered 1", "closed"])
    }

    @Test("requests still unanswered when the grace period ends get one shutting-down error each")
    func gracePeriodEnds() async throws {
        let rig = Rig(shutdownGrace: .milliseconds(50)) { _ in
            try await OneShot<ScriptedServerConnection.Reply>().value
        }
        for id in 1...2 { rig.write(Self.request(id)) }
        try await rig.server.sent.waitForCount(2)
        await rig.finish()

        for id in 1...2 {
            let answers = rig.host.answers(to: .number(JSONNumber(id)))
            #expect(answers.count == 1, "request \(id): \(answers)")
            #expect(answers.first?["error"]?["data"]?["kind"] == "shutting-down")
        }
        #expect(rig.server.timeline.items.last == "closed")
    }

    @Test(
        "a request the host cancels gets no answer; the notification reaches only servers before 2026-07-28",
        arguments: [false, true]
    )
    func hostCancels(modern: Bool) async throws {
        let rig = Rig { _ in try await OneShot<ScriptedServerConnection.Reply>().value }
        rig.write(Self.request(1, modern: modern))
        try await rig.server.sent.waitForCount(1)
        rig.write(Self.cancel(1))
        // The relay stops waiting by cancelling the send, which is how 2026-07-28 cancels on HTTP.
        try await rig.server.timeline.waitFor { $0 == "cancelled 1" }
        await rig.finish()

        #expect(rig.host.messages.items.isEmpty)
        let forwarded = rig.server.sent.items.contains { $0.method == MCPMethod.cancelledNotification }
        #expect(forwarded == !modern)
    }
}
