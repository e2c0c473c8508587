import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MCPServerCore
import MCPWire
import NIOCore

/// The app under test: the real router over an in-memory store.
func makeApp(
    catalog: MCPCatalog = .builtIn,
    allowedOrigins: [String] = ["http://localhost:6274"],
    maxBodyBytes: Int = ServerConfiguration.defaultMaxBodyBytes,
    dispatcher: MCPDispatcher? = nil
) -> some ApplicationProtocol {
    let dependencies = ServerDependencies(
        dispatcher: dispatcher ?? MCPDispatcher(catalog: catalog, instructions: "Test server"),
        store: InMemoryServerStore(),
        originPolicy: OriginPolicy(allowedOrigins: allowedOrigins),
        maxBodyBytes: maxBodyBytes,
        baseURL: .fixed(URL(string: "http://mcp.test")!),
        authorizationServer: nil
    )
    return Application(router: buildRouter(context: LocalRequestContext.self, dependencies: dependencies))
}

/// A decoded answer from `/mcp`.
struct MCPAnswer {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    /// The body as JSON (the single message of an `application/json` answer).
    var json: JSONValue {
        get throws { try JSONValue(parsing: self.body) }
    }

    var result: JSONValue? { (try? self.json)?["result"] }
    var errorCode: Int? { (try? self.json)?["error"]?["code"]?.numberValue?.int64Value.map(Int.init) }

    /// The `data:` payloads of an SSE answer, in order.
    var events: [JSONValue] {
        get throws {
            try self.body.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map {
                try JSONValue(parsing: String($0.dropFirst(6)))
            }
        }
    }
}

extension TestClientProtocol {
    /// POSTs `body` to `/mcp` with the headers a conforming client sends, plus `extra`.
    func mcp(
        _ body: String,
        headers extra: [String: String] = [:],
        accept: String? = "application/json, text/event-stream"
    )
        async throws -> MCPAnswer
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let accept { headers[.accept] = accept }
        for (name, value) in extra {
            let field = HTTPField.Name(name)!
            headers[field] = value
        }
        return try await self.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            MCPAnswer(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }

    /// A legacy-era request (after initialize) with `MCP-Protocol-Version: version`.
    func legacy(
        _ method: String,
        params: JSONValue = [:],
        id: JSONValue = 1,
        version: String = "2025-11-25"
    )
        async throws -> MCPAnswer
    {
        let body: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params]
        return try await self.mcp(body.serializedString(), headers: ["MCP-Protocol-Version": version])
    }

    /// A 2026-07-28 request with `_meta` and every header it needs; `headers` overrides them.
    func modern(
        _ method: String,
        params: [String: JSONValue] = [:],
        id: JSONValue = 1,
        meta: [String: JSONValue]? = nil,
        headers overrides: [String: String?] = [:]
    ) async throws -> MCPAnswer {
        var params = params
        params["_meta"] = .object(
            meta ?? [
                MCPMetaKey.protocolVersion: "2026-07-28",
                MCPMetaKey.clientCapabilities: [:],
                MCPMetaKey.clientInfo: ["name": "tests", "version": "1"],
            ]
        )
        var headers: [String: String] = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method]
        if let name = params["name"]?.stringValue ?? params["uri"]?.stringValue {
            headers["Mcp-Name"] = MCPHeader.encodeValue(name)
        }
        for (name, value) in overrides { headers[name] = value }
        let body: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]
        return try await self.mcp(body.serializedString(), headers: headers)
    }
}
