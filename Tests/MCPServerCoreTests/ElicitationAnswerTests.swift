import HTTPTypes
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

/// An accepted answer is checked against the form the question asked for: one that does not fit is a tool error
/// that says so, never read as some default (a missing `confirmed` as "no").
@Suite("Elicitation answers against the requested form", .timeLimit(.minutes(1)))
struct ElicitationAnswerTests {
    @Test(
        arguments: [
            ["action": "accept", "content": ["confirmed": "yes"]], ["action": "accept", "content": [:]],
            ["action": "accept"], ["action": "accept", "content": ["confirmed": 1]],
        ] as [JSONValue]
    )
    func aRoundTripAnswerThatDoesNotFitIsAToolError(_ answer: JSONValue) async throws {
        try await makeApp().test(.router) { client in
            let state = try #require(try await ConfirmToolTests.confirm(client).result?["requestState"])
            let retry = try await ConfirmToolTests.confirm(
                client,
                id: 2,
                extra: ["inputResponses": ["confirmation": answer], "requestState": state]
            )
            #expect(retry.status == .ok)
            #expect(retry.result?["isError"] == true)
            let text = try #require(retry.result?["content"]?.arrayValue?.first?["text"]?.stringValue)
            #expect(text.contains("does not fit the requested form"))
            #expect(text.contains("confirmed"))
            #expect(retry.result?["structuredContent"] == nil)
        }
    }

    @Test func aLegacyAnswerThatDoesNotFitIsAToolError() async throws {
        let router = StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn))
        let version = ["MCP-Protocol-Version": "2025-11-25"]
        try await router.post(ConfirmToolTests.legacyConfirm(), headers: version) { call in
            let id = try #require(try await call.nextMessage()?["id"])
            let answer: JSONValue = ["jsonrpc": "2.0", "id": id, "result": ["action": "accept", "content": [:]]]
            #expect(try await router.post(answer, headers: version) { $0.status } == .accepted)
            let result = try #require(try await call.nextMessage()?["result"])
            #expect(result["isError"] == true)
            #expect(
                result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("does not fit the requested form")
                    == true
            )
        }
    }
}
