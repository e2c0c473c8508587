import Foundation
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

struct ReadmeExampleTests {
    @Test func theExampleServesItsToolResourceAndPrompt() async throws {
        try await makeMyServer(store: InMemoryServerStore()).test(.router) { client in
            let forecast = try await client.legacy(
                "tools/call",
                params: ["name": "forecast", "arguments": ["city": "Oslo"]]
            )
            #expect(forecast.result?["content"]?.arrayValue?.first?["text"] == "Sunny in Oslo")
            let invalid = try await client.legacy(
                "tools/call",
                params: ["name": "forecast", "arguments": ["town": "Oslo"]]
            )
            #expect(invalid.result?["isError"] == true)
            let motd = try await client.modern("resources/read", params: ["uri": "notes://motd"])
            #expect(motd.result?["contents"]?.arrayValue?.first?["text"] == "Ship it.")
            let haiku = try await client.legacy(
                "prompts/get",
                params: ["name": "haiku", "arguments": ["topic": "rain"]]
            )
            #expect(haiku.result?["messages"]?.arrayValue?.first?["content"]?["text"] == "Write a haiku about rain.")
            let tools = try await client.legacy("tools/list")
            #expect(tools.result?["tools"]?.arrayValue?.last?["name"] == "forecast")
        }
    }

    @Test func readmeShowsExactlyThisExample() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let source = try String(contentsOf: here.appendingPathComponent("ReadmeExample.swift"), encoding: .utf8)
        let readme = try String(
            contentsOf: here.appendingPathComponent("../../README.md").standardizedFileURL,
            encoding: .utf8
        )
        let example = try #require(
            source.components(separatedBy: "// README-EXAMPLE-BEGIN\n").last?.components(
                separatedBy: "// README-EXAMPLE-END"
            )
            .first
        )
        #expect(
            readme.contains(example),
            "README.md's example differs from Tests/MCPServerCoreTests/ReadmeExample.swift"
        )
    }
}
