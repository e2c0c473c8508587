import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPServerCore
import MCPWire
import Testing

@Suite("Served protocol versions (--protocol-versions)")
struct ProtocolVersionsTests {
    static let modernOnly = ServedProtocolVersions(parsing: "2026-07-28")!
    static let legacyOnly = ServedProtocolVersions(parsing: "2025-11-25")!

    static func app(_ versions: ServedProtocolVersions) -> some ApplicationProtocol {
        makeApp(dispatcher: MCPDispatcher(catalog: .builtIn, protocolVersions: versions))
    }

    @Test func listsParseWithEraKeywordsAndRejectUnknownNames() {
        #expect(ServedProtocolVersions(parsing: "all") == .all)
        #expect(ServedProtocolVersions(parsing: "legacy")?.versions == MCPProtocolVersion.legacy)
        #expect(
            ServedProtocolVersions(parsing: " 2026-07-28 , 2025-06-18,2026-07-28")?.description
                == "2025-06-18,2026-07-28"
        )
        #expect(ServedProtocolVersions(parsing: "modern,2025-11-25")?.versions == [.v2025_11_25, .v2026_07_28])
        #expect(ServedProtocolVersions(parsing: "2026-07-29") == nil)
        #expect(ServedProtocolVersions(parsing: "") == nil)
        #expect(ServedProtocolVersions(parsing: " , ") == nil)
    }

    @Test func modernOnlyRefusesInitializeNamingItsVersions() async throws {
        try await Self.app(Self.modernOnly).test(.router) { client in
            let answer = try await client.mcp(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            )
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32022)
            let error = try #require(try answer.json["error"])
            #expect(error["data"]?["supported"] == ["2026-07-28"])
            #expect(error["data"]?["requested"] == "2025-11-25")
            #expect(error["message"]?.stringValue?.contains("2026-07-28") == true)
            #expect(try answer.json["id"] == 0)
        }
    }

    @Test func modernOnlyRefusesLegacyRequestsAndServesModernOnes() async throws {
        try await Self.app(Self.modernOnly).test(.router) { client in
            let legacy = try await client.legacy("tools/list")
            #expect(legacy.status == .badRequest)
            #expect(legacy.errorCode == -32022)
            let headerless = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            #expect(headerless.errorCode == -32022)
            #expect(try headerless.json["error"]?["data"]?["requested"] == "2025-03-26")

            let discover = try await client.modern("server/discover")
            #expect(discover.status == .ok)
            #expect(discover.result?["supportedVersions"] == ["2026-07-28"])
            #expect(try await client.modern("tools/list").status == .ok)
        }
    }

    @Test func legacyOnlyAnswersDiscoverLikeALegacyServer() async throws {
        try await Self.app(Self.legacyOnly).test(.router) { client in
            let discover = try await client.modern("server/discover")
            // A 200 with "method not found": what a dual-era client's probe reads as "legacy, fall back".
            #expect(discover.status == .ok)
            #expect(discover.errorCode == -32601)
            #expect(try discover.json["id"] == 1)

            let initialize = try await client.mcp(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2026-07-28","capabilities":{}}}"#
            )
            #expect(initialize.result?["protocolVersion"] == "2025-11-25")
            #expect(try await client.legacy("tools/list").status == .ok)
        }
    }

    @Test func legacyOnlyRefusesModernRequestsWithTheVersionsItServes() async throws {
        try await Self.app(Self.legacyOnly).test(.router) { client in
            let answer = try await client.modern("tools/list")
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32022)
            #expect(try answer.json["error"]?["data"]?["supported"] == ["2025-11-25"])
            #expect(try answer.json["error"]?["data"]?["requested"] == "2026-07-28")
        }
    }

    @Test func initializeNegotiatesOnlyAmongServedVersions() async throws {
        let versions = try #require(ServedProtocolVersions(parsing: "2025-03-26,2025-06-18,modern"))
        try await Self.app(versions).test(.router) { client in
            func negotiated(_ requested: String) async throws -> JSONValue? {
                try await client.mcp(
                    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(requested)","capabilities":{}}}"#
                ).result?["protocolVersion"]
            }
            #expect(try await negotiated("2025-03-26") == "2025-03-26")
            #expect(try await negotiated("2025-11-25") == "2025-06-18")
            #expect(try await negotiated("2024-11-05") == "2025-06-18")
            #expect(try await client.legacy("ping", version: "2025-11-25").errorCode == -32022)
            #expect(try await client.legacy("ping", version: "2025-06-18").status == .ok)
            let discover = try await client.modern("server/discover")
            #expect(discover.result?["supportedVersions"] == ["2026-07-28", "2025-06-18", "2025-03-26"])
        }
    }

    @Test func headerlessLegacyRequestsUseTheNewestServedVersionWhen2025_03_26IsNotServed() async throws {
        try await Self.app(Self.legacyOnly).test(.router) { client in
            let answer = try await client.mcp(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#)
            #expect(answer.status == .ok)
            #expect(answer.result == [:])
        }
    }

    @Test func notificationsWithAnUnservedVersionGet400() async throws {
        try await Self.app(Self.legacyOnly).test(.router) { client in
            let answer = try await client.mcp(
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                headers: ["MCP-Protocol-Version": "2025-06-18"]
            )
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == -32022)
        }
    }
}
