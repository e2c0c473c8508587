import HTTPTypes
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

@Suite("Legacy era (2024-11-05 … 2025-11-25)")
struct LegacyEraTests {
    @Test(arguments: ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])
    func initializeEchoesASupportedVersion(_ version: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            )
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.result?["protocolVersion"] == .string(version))
            #expect(answer.result?["serverInfo"]?["name"] == "remote-mcp")
            #expect(answer.result?["capabilities"]?["tools"] != nil)
            #expect(answer.result?["instructions"] == "Test server")
            #expect(answer.headers[HTTPField.Name("Mcp-Session-Id")!] == nil)
        }
    }

    @Test func initializeAnswersLatestLegacyForAnUnknownVersion() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2023-01-01","capabilities":{}}}"#
            )
            #expect(answer.result?["protocolVersion"] == "2025-11-25")
        }
    }

    @Test func notificationsAndResponsesGet202WithAnEmptyBody() async throws {
        try await makeApp().test(.router) { client in
            for body in [
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
                #"{"jsonrpc":"2.0","id":5,"result":{}}"#,
            ] {
                let answer = try await client.mcp(body)
                #expect(answer.status == .accepted)
                #expect(answer.body.isEmpty)
            }
        }
    }

    @Test func missingVersionHeaderMeans2025_03_26() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#)
            #expect(answer.status == .ok)
            #expect(answer.result == [:])
            #expect(try answer.json["id"] == "p")
        }
    }

    @Test func unsupportedVersionHeaderGets400() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("ping", version: "1999-01-01")
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32022)
            #expect(try answer.json["error"]?["data"]?["requested"] == "1999-01-01")
        }
    }

    @Test func listsAreCompleteAndCarryNoModernFields() async throws {
        try await makeApp().test(.router) { client in
            let tools = try await client.legacy("tools/list")
            let names = tools.result?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["echo", "add", "server_time", "countdown", "confirm", "bump", "whoami"])
            #expect(tools.result?["tools"]?.arrayValue?.allSatisfy { $0["inputSchema"]?["type"] == "object" } == true)
            #expect(tools.result?["resultType"] == nil)
            #expect(tools.result?["ttlMs"] == nil)

            let resources = try await client.legacy("resources/list")
            #expect(resources.result?["resources"]?.arrayValue?.first?["uri"] == "remote-mcp://about")
            let templates = try await client.legacy("resources/templates/list")
            #expect(templates.result?["resourceTemplates"]?.arrayValue?.first?["uriTemplate"] == "greeting://{name}")
            let prompts = try await client.legacy("prompts/list")
            #expect(prompts.result?["prompts"]?.arrayValue?.first?["name"] == "summarize")
        }
    }

    @Test func echoReturnsItsTextUnchanged() async throws {
        let text = "tab\there \"quoted\" ünïcødé 😀 \u{0001} newline\n end"
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "tools/call",
                params: ["name": "echo", "arguments": ["text": .string(text)]]
            )
            #expect(answer.result?["content"] == [["type": "text", "text": .string(text)]])
            #expect(answer.result?["isError"] == nil)
        }
    }

    @Test func addReturnsTextAndStructuredContent() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "tools/call",
                params: ["name": "add", "arguments": ["a": 2, "b": 0.5]]
            )
            #expect(answer.result?["structuredContent"] == ["sum": 2.5])
            #expect(answer.result?["content"]?.arrayValue?.first?["text"] == "2.5")
        }
    }

    @Test func serverTimeIsStructured() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("tools/call", params: ["name": "server_time"])
            #expect(answer.result?["structuredContent"]?["unixMs"]?.numberValue?.int64Value ?? 0 > 1_700_000_000_000)
            #expect(answer.result?["structuredContent"]?["iso8601"]?.stringValue?.hasSuffix("Z") == true)
        }
    }

    @Test(
        arguments: [
            (JSONValue.object(["a": "1", "b": 2]), "'a' must be a number"),
            (JSONValue.object(["a": 1]), "missing required argument 'b'"),
            (JSONValue.object([:]), "missing required argument"),
            (JSONValue.string("not an object"), "arguments must be an object"),
        ] as [(JSONValue, String)]
    )
    func invalidArgumentsGiveAToolError(_ arguments: JSONValue, _ expected: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("tools/call", params: ["name": "add", "arguments": arguments])
            #expect(answer.status == .ok)
            #expect(answer.result?["isError"] == true)
            let text = answer.result?["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(text.contains(expected), "\(text)")
        }
    }

    @Test func unknownToolIsInvalidParams() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("tools/call", params: ["name": "nope"])
            #expect(answer.status == .ok)
            #expect(answer.errorCode == -32602)
            let missingName = try await client.legacy("tools/call", params: [:])
            #expect(missingName.errorCode == -32602)
        }
    }

    @Test func resourcesReadStaticAndTemplated() async throws {
        try await makeApp().test(.router) { client in
            let about = try await client.legacy("resources/read", params: ["uri": "remote-mcp://about"])
            let text = about.result?["contents"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(text.contains("2026-07-28"))
            let greeting = try await client.legacy("resources/read", params: ["uri": "greeting://Ada%20L"])
            #expect(greeting.result?["contents"]?.arrayValue?.first?["text"] == "Hello, Ada L!")
            #expect(greeting.result?["contents"]?.arrayValue?.first?["uri"] == "greeting://Ada%20L")
        }
    }

    @Test func unknownResourceIsMinus32002InLegacyEras() async throws {
        try await makeApp().test(.router) { client in
            for uri in ["remote-mcp://missing", "greeting://a/b", "greeting://"] {
                let answer = try await client.legacy("resources/read", params: ["uri": .string(uri)])
                #expect(answer.errorCode == -32002, "\(uri)")
            }
        }
    }

    @Test func promptsGetUsesItsArguments() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy(
                "prompts/get",
                params: ["name": "summarize", "arguments": ["text": "Swift is fast.", "style": "haiku"]]
            )
            let message = answer.result?["messages"]?.arrayValue?.first
            #expect(message?["role"] == "user")
            #expect(message?["content"]?["text"]?.stringValue?.contains("Swift is fast.") == true)
            #expect(message?["content"]?["text"]?.stringValue?.contains("haiku") == true)

            let missing = try await client.legacy("prompts/get", params: ["name": "summarize"])
            #expect(missing.errorCode == -32602)
            let wrongType = try await client.legacy(
                "prompts/get",
                params: ["name": "summarize", "arguments": ["text": 1]]
            )
            #expect(wrongType.errorCode == -32602)
            let unknown = try await client.legacy("prompts/get", params: ["name": "nope"])
            #expect(unknown.errorCode == -32602)
        }
    }

    @Test func unknownMethodIsMinus32601In200() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.legacy("tools/frobnicate")
            #expect(answer.status == .ok)
            #expect(answer.errorCode == -32601)
        }
    }

    @Test func modernOnlyMethodsAreNotLegacy() async throws {
        try await makeApp().test(.router) { client in
            // server/discover without _meta is a modern request missing its metadata.
            let answer = try await client.legacy("server/discover")
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32602)
        }
    }
}
