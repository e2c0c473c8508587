import HTTPTypes
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

@Suite("Modern era (2026-07-28)")
struct ModernEraTests {
    @Test func discoverDescribesTheServer() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern("server/discover")
            #expect(answer.status == .ok)
            let result = try #require(answer.result)
            #expect(result["resultType"] == "complete")
            #expect(result["supportedVersions"]?.arrayValue?.first == "2026-07-28")
            #expect(result["supportedVersions"]?.arrayValue?.contains("2025-03-26") == true)
            #expect(result["capabilities"]?["tools"] != nil)
            #expect(result["_meta"]?[MCPMetaKey.serverInfo]?["name"] == "remote-mcp")
            #expect(result["instructions"] == "Test server")
            #expect(result["ttlMs"]?.numberValue?.int64Value ?? -1 >= 0)
            #expect(result["cacheScope"] == "public")
        }
    }

    @Test(arguments: ["tools/list", "resources/list", "resources/templates/list", "prompts/list"])
    func listsAreCacheableAndComplete(_ method: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(method)
            #expect(answer.status == .ok)
            #expect(answer.result?["resultType"] == "complete")
            #expect(answer.result?["ttlMs"]?.numberValue != nil)
            #expect(answer.result?["cacheScope"] == "public")
        }
    }

    @Test func toolsListOrderIsDeterministic() async throws {
        try await makeApp().test(.router) { client in
            let first = try await client.modern("tools/list")
            let second = try await client.modern("tools/list")
            #expect(first.body == second.body)
            #expect(
                first.result?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                    "echo", "add", "server_time", "countdown", "confirm", "bump", "whoami",
                ]
            )
        }
    }

    @Test func toolCallCarriesResultTypeButNoCacheHints() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern("tools/call", params: ["name": "echo", "arguments": ["text": "hi"]])
            #expect(answer.result?["resultType"] == "complete")
            #expect(answer.result?["content"]?.arrayValue?.first?["text"] == "hi")
            #expect(answer.result?["ttlMs"] == nil)
        }
    }

    @Test func resourcesReadIsCacheableAndUnknownIsInvalidParams() async throws {
        try await makeApp().test(.router) { client in
            let read = try await client.modern("resources/read", params: ["uri": "greeting://Grace"])
            #expect(read.result?["contents"]?.arrayValue?.first?["text"] == "Hello, Grace!")
            #expect(read.result?["ttlMs"] != nil)
            #expect(read.result?["cacheScope"] != nil)
            let missing = try await client.modern("resources/read", params: ["uri": "remote-mcp://nothing"])
            #expect(missing.status == .badRequest)
            #expect(missing.errorCode == -32602)
        }
    }

    @Test func promptsGetWorks() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(
                "prompts/get",
                params: ["name": "summarize", "arguments": ["text": "x"]]
            )
            #expect(answer.result?["resultType"] == "complete")
            #expect(answer.result?["messages"]?.arrayValue?.count == 1)
        }
    }

    @Test(
        arguments: [
            [MCPMetaKey.clientCapabilities: JSONValue.object([:])],
            [MCPMetaKey.protocolVersion: "2026-07-28"],
            [MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: "none"],
            [MCPMetaKey.protocolVersion: 20260728, MCPMetaKey.clientCapabilities: [:]],
        ] as [[String: JSONValue]]
    )
    func missingOrMistypedMetaIs400InvalidParams(_ meta: [String: JSONValue]) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern("tools/list", meta: meta)
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32602)
        }
    }

    @Test func unsupportedVersionIs400WithSupportedAndRequested() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(
                "tools/list",
                meta: [MCPMetaKey.protocolVersion: "2030-01-01", MCPMetaKey.clientCapabilities: [:]],
                headers: ["MCP-Protocol-Version": "2030-01-01"]
            )
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32022)
            let data = try answer.json["error"]?["data"]
            #expect(data?["requested"] == "2030-01-01")
            #expect(data?["supported"]?.arrayValue?.contains("2026-07-28") == true)
        }
    }

    @Test(
        arguments: [
            ["MCP-Protocol-Version": "2025-11-25"],
            ["MCP-Protocol-Version": nil],
            ["Mcp-Method": nil],
            ["Mcp-Method": "tools/list"],
            ["Mcp-Name": nil],
            ["Mcp-Name": "add"],
            ["Mcp-Name": "=?base64?!!!?="],
        ] as [[String: String?]]
    )
    func headerMismatchIs400Minus32020(_ headers: [String: String?]) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(
                "tools/call",
                params: ["name": "echo", "arguments": ["text": "x"]],
                headers: headers
            )
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32020)
        }
    }

    @Test func base64EncodedNamesAreDecodedBeforeComparing() async throws {
        var catalog = MCPCatalog()
        catalog.addTool(MCPTool(name: "grüßen", inputSchema: ["type": "object"])) { _, _ in .text("hallo") }
        try await makeApp(catalog: catalog).test(.router) { client in
            let answer = try await client.modern("tools/call", params: ["name": "grüßen"])
            #expect(answer.result?["content"]?.arrayValue?.first?["text"] == "hallo")
        }
    }

    @Test func mirroredArgumentHeadersAreChecked() async throws {
        var catalog = MCPCatalog()
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "region": ["type": "string", "x-mcp-header": "Region"], "n": ["type": "integer", "x-mcp-header": "N"],
            ],
        ]
        catalog.addTool(MCPTool(name: "where", inputSchema: schema)) { arguments, _ in
            .text(arguments["region"]?.stringValue ?? "")
        }
        try await makeApp(catalog: catalog).test(.router) { client in
            let params: [String: JSONValue] = ["name": "where", "arguments": ["region": "eu-west1", "n": 42]]
            let ok = try await client.modern(
                "tools/call",
                params: params,
                headers: ["Mcp-Param-Region": "eu-west1", "Mcp-Param-N": "42.0"]
            )
            #expect(ok.result?["content"]?.arrayValue?.first?["text"] == "eu-west1")
            let missing = try await client.modern("tools/call", params: params, headers: ["Mcp-Param-N": "42"])
            #expect(missing.errorCode == -32020)
            let wrong = try await client.modern(
                "tools/call",
                params: params,
                headers: ["Mcp-Param-Region": "us-east1", "Mcp-Param-N": "42"]
            )
            #expect(wrong.errorCode == -32020)
        }
    }

    @Test(arguments: ["initialize", "ping", "tools/frobnicate"])
    func unknownMethodIs404Minus32601(_ method: String) async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(method)
            #expect(answer.status == .notFound)
            #expect(answer.errorCode == -32601)
        }
    }

    @Test func invalidToolArgumentsAreAToolErrorNotAProtocolError() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.modern(
                "tools/call",
                params: ["name": "countdown", "arguments": ["steps": 0]]
            )
            #expect(answer.status == .ok)
            #expect(answer.result?["isError"] == true)
            #expect(answer.result?["resultType"] == "complete")
        }
    }

    @Test func modernResponsesAreRefused() async throws {
        try await makeApp().test(.router) { client in
            let answer = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"result":{}}"#,
                headers: ["MCP-Protocol-Version": "2026-07-28"]
            )
            #expect(answer.status == .badRequest)
        }
    }
}
