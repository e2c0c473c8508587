import MCPServerCore
import MCPWire
import Testing

/// What Lambda does with the 2026-07-28 features that need a stream elsewhere: `subscriptions/listen` ends at once
/// with its completion result, a 2026-07-28 question round-trips as plain JSON, and a legacy question is a tool
/// error that says why.
@Suite("Lambda function: listen and questions without a stream", .timeLimit(.minutes(1)))
struct LambdaStreamFeaturesTests {
    static func modern(_ method: String, id: String, params: String = "") -> (body: String, headers: [String: String]) {
        let meta =
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}}"#
        let members = params.isEmpty ? meta : params + "," + meta
        return (
            #"{"jsonrpc":"2.0","id":"\#(id)","method":"\#(method)","params":{\#(members)}}"#,
            ["mcp-protocol-version": "2026-07-28", "mcp-method": method]
        )
    }

    @Test func listenAnswersAtOnceWithTheCompletionResult() async throws {
        try await LambdaFunctionHarness.run(signingKey: nil) { function in
            let listen = Self.modern(
                "subscriptions/listen",
                id: "listen-1",
                params: #""notifications":{"toolsListChanged":true}"#
            )
            let answer = try await function.response(
                to: LambdaEvents.httpAPI("POST", "/mcp", body: listen.body, headers: listen.headers)
            )
            #expect(answer.status == 200)
            #expect(answer.header("content-type") == "application/json")
            #expect(answer.json["id"] == "listen-1")
            #expect(answer.json["result"]?["resultType"] == "complete")
            #expect(answer.json["result"]?["_meta"]?[MCPMetaKey.subscriptionId] == "listen-1")

            let discover = Self.modern("server/discover", id: "d")
            let capabilities = try await function.response(
                to: LambdaEvents.httpAPI("POST", "/mcp", body: discover.body, headers: discover.headers)
            ).json["result"]?["capabilities"]
            #expect(capabilities?["tools"]?["listChanged"] == false)
            #expect(capabilities?["resources"]?["subscribe"] == false)
        }
    }

    @Test func questionsRoundTripIn2026AndFailClearlyInTheLegacyEra() async throws {
        try await LambdaFunctionHarness.run(signingKey: nil) { function in
            var call = Self.modern(
                "tools/call",
                id: "c1",
                params: #""name":"confirm","arguments":{"question":"Ship it?"}"#
            )
            call.headers["mcp-name"] = "confirm"
            let first = try await function.response(
                to: LambdaEvents.httpAPI("POST", "/mcp", body: call.body, headers: call.headers)
            )
            #expect(first.json["result"]?["resultType"] == "input_required")
            #expect(first.json["result"]?["inputRequests"]?["confirmation"]?["method"] == "elicitation/create")

            let legacy = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/mcp",
                    body:
                        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"confirm","arguments":{"question":"Ship it?"}}}"#,
                    headers: ["mcp-protocol-version": "2025-11-25"]
                )
            )
            #expect(legacy.status == 200)
            #expect(legacy.json["result"]?["isError"] == true)
            let text = legacy.json["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(text.contains("cannot"))
            #expect(text.contains("2026-07-28"))
        }
    }
}
