import HTTPTypes
import HummingbirdTesting
import MCPServerCore
import MCPWire
import NIOCore
import Testing

@Suite("Streamable HTTP transport rules")
struct TransportTests {
    @Test(arguments: [HTTPRequest.Method.get, .delete, .put, .patch])
    func onlyPostIsAllowed(_ method: HTTPRequest.Method) async throws {
        try await makeApp().test(.router) { client in
            let response = try await client.execute(uri: "/mcp", method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
        }
    }

    @Test(arguments: [
        nil, "application/json", "text/event-stream", "text/html", "application/json;q=1, text/event-stream;q=0",
    ])
    func acceptMustAdmitJSONAndEventStream(_ accept: String?) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, accept: accept)
            #expect(answer.status == .notAcceptable)
            #expect(answer.errorCode == -32600)
        }
    }

    @Test(arguments: ["*/*", "application/json, text/event-stream", "text/event-stream;q=0.5, application/*"])
    func acceptWildcardsCount(_ accept: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, accept: accept)
            #expect(answer.status == .ok)
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await makeApp().test(.router) { client in
            let response = try await client.execute(
                uri: "/mcp",
                method: .post,
                headers: [.contentType: "text/plain", .accept: "application/json, text/event-stream"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            )
            #expect(response.status == .unsupportedMediaType)
            let charset = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                headers: ["Content-Type": "application/json; charset=utf-8"]
            )
            #expect(charset.status == .ok)
        }
    }

    @Test func foreignOriginIs403AndAllowedOriginPasses() async throws {
        try await makeApp().test(.router) { client in
            let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            let evil = try await client.mcp(ping, headers: ["Origin": "http://evil.example"])
            #expect(evil.status == .forbidden)
            #expect(try evil.json["id"] == .null)
            let allowed = try await client.mcp(ping, headers: ["Origin": "http://LOCALHOST:6274/"])
            #expect(allowed.status == .ok)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await makeApp(maxBodyBytes: 2048).test(.router) { client in
            let big = String(repeating: "x", count: 4096)
            let answer = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\#(big)"}}}"#
            )
            #expect(answer.status == .contentTooLarge)
            #expect(answer.errorCode == -32600)
            let small = try await client.legacy("tools/call", params: ["name": "echo", "arguments": ["text": "fits"]])
            #expect(small.status == .ok)
        }
    }

    @Test func echoHandlesLargeTextUpToTheLimit() async throws {
        let text = String(repeating: "0123456789abcdef", count: 200_000)  // 3.2 MB
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "tools/call",
                params: ["name": "echo", "arguments": ["text": .string(text)]]
            )
            #expect(answer.result?["content"]?.arrayValue?.first?["text"]?.stringValue == text)
        }
    }

    @Test(arguments: ["{", "", "nul", "\u{FF}", #"{"jsonrpc":"2.0","id":1,"method":"ping""#])
    func malformedJSONIs400Minus32700(_ body: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(body)
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32700)
        }
    }

    @Test(arguments: [
        #"{"id":1,"method":"ping"}"#, #"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, "42", "[]",
        #"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
    ])
    func wrongShapeIs400Minus32600(_ body: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(body)
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32600)
        }
    }

    @Test func idOfAMalformedRequestIsKeptWhenReadable() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(#"{"jsonrpc":"1.0","id":"keep-me","method":"ping"}"#)
            #expect(try answer.json["id"] == "keep-me")
        }
    }

    @Test func progressTokenWithAProgressingToolStreamsNotificationsThenTheResult() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "tools/call",
                params: ["name": "countdown", "arguments": ["steps": 3], "_meta": ["progressToken": "tok-1"]],
                id: 77
            )
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/event-stream")
            let events = try answer.events
            #expect(events.count == 4)
            for (index, event) in events.prefix(3).enumerated() {
                #expect(event["method"] == "notifications/progress")
                #expect(event["params"]?["progressToken"] == "tok-1")
                #expect(event["params"]?["progress"] == .number(JSONNumber(index + 1)))
                #expect(event["params"]?["total"] == 3)
            }
            #expect(events.last?["id"] == 77)
            #expect(events.last?["result"]?["content"]?.arrayValue?.first?["text"] == "Liftoff after 3 steps")
        }
    }

    @Test func progressTokenWithAQuietToolStaysJSON() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(
                "tools/call",
                params: ["name": "echo", "arguments": ["text": "q"]],
                meta: [
                    MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: [:], "progressToken": 5,
                ]
            )
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.result?["content"]?.arrayValue?.first?["text"] == "q")
        }
    }

    @Test func countdownWithoutTokenAnswersJSON() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "tools/call",
                params: ["name": "countdown", "arguments": ["steps": 2]]
            )
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.result?["content"]?.arrayValue?.first?["text"] == "Liftoff after 2 steps")
        }
    }

    @Test func randomBytesAlwaysGetExactlyOneJSONAnswer() async throws {
        try await makeApp().test(.router) { client in
            var generator = SystemRandomNumberGenerator()
            let seeds = [
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}"#,
                #"{"jsonrpc":"2.0","id":"x","method":"resources/read","params":{"uri":"greeting://{name}"}}"#,
            ]
            for round in 0..<300 {
                var bytes = Array(seeds[round % seeds.count].utf8)
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255,
                        using: &generator
                    )
                }
                let response = try await client.execute(
                    uri: "/mcp",
                    method: .post,
                    headers: [.contentType: "application/json", .accept: "application/json, text/event-stream"],
                    body: ByteBuffer(bytes: bytes)
                )
                #expect([200, 202, 400, 404].contains(response.status.code))
                if response.status != .accepted {
                    #expect(throws: Never.self) { try JSONValue(parsing: Array(buffer: response.body)) }
                }
            }
        }
    }

    @Test func healthEndpointAnswers() async throws {
        try await makeApp().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
        }
    }
}

struct LogTimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500Z"),
        (1_795_643_606.283, "2026-11-25T21:53:26.283Z"),
        (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    ])
    func formatsUTCWithMilliseconds(_ seconds: Double, _ expected: String) {
        #expect(LogTimestamp.now(seconds) == expected)
    }
}
