import Foundation
import MCPWire

/// Events made from the recorded fixtures (shaped like AWS's documented examples), with the parts a test changes.
enum LambdaEvents {
    static let apiDomain = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    /// What clients of the HTTP API fixture see as the base URL (stage `prod`).
    static let apiBase = "https://\(apiDomain)/prod"

    static func fixture(_ name: String) throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name).json")
        return try JSONValue(parsing: Array(try Data(contentsOf: url)))
    }

    /// An HTTP API (payload 2.0) event; `path` is below the stage, which the raw path carries unless it is
    /// `$default` (a custom domain's API mapping).
    static func httpAPI(
        _ method: String,
        _ path: String,
        body: String = "",
        headers: [String: String] = [:],
        base64: Bool = false,
        domain: String = apiDomain,
        stage: String = "prod"
    ) throws -> JSONValue {
        let rawPath = (stage == "$default" ? "" : "/" + stage) + path
        var event = try self.fixture("http-api-v2")
        event = event.setting("rawPath", to: .string(rawPath))
        event = event.setting("requestContext", "domainName", to: .string(domain))
        event = event.setting("requestContext", "stage", to: .string(stage))
        event = event.setting("requestContext", "http", "method", to: .string(method))
        event = event.setting("requestContext", "http", "path", to: .string(rawPath))
        event = event.setting("headers", "host", to: .string(domain))
        for (name, value) in headers { event = event.setting("headers", name.lowercased(), to: .string(value)) }
        event = event.setting("body", to: .string(base64 ? Base64.encode(Array(body.utf8)) : body))
        return event.setting("isBase64Encoded", to: .bool(base64))
    }

    /// A REST API (payload 1.0) event for the HTTP API's domain and stage, body base64-encoded as binary media
    /// types are.
    static func restAPI(
        _ method: String,
        _ path: String,
        body: String = "",
        headers: [String: [String]] = [:]
    ) throws -> JSONValue {
        var event = try self.fixture("rest-api-v1")
        event = event.setting("httpMethod", to: .string(method))
        event = event.setting("path", to: .string(path))
        event = event.setting("resource", to: .string(path))
        event = event.setting("requestContext", "domainName", to: .string(self.apiDomain))
        event = event.setting("requestContext", "stage", to: "prod")
        event = event.setting("requestContext", "path", to: .string("/prod" + path))
        event = event.setting("requestContext", "httpMethod", to: .string(method))
        for (name, values) in headers {
            event = event.setting("multiValueHeaders", name, to: .array(values.map(JSONValue.string)))
            event = event.setting("headers", name, to: .string(values.last ?? ""))
        }
        event = event.setting("body", to: .string(Base64.encode(Array(body.utf8))))
        return event.setting("isBase64Encoded", to: true)
    }

    /// A Lambda Function URL event.
    static func functionURL(
        _ method: String,
        _ path: String,
        body: String = "",
        headers: [String: String] = [:]
    ) throws -> JSONValue {
        var event = try self.fixture("function-url")
        event = event.setting("rawPath", to: .string(path))
        event = event.setting("requestContext", "http", "method", to: .string(method))
        event = event.setting("requestContext", "http", "path", to: .string(path))
        for (name, value) in headers { event = event.setting("headers", name.lowercased(), to: .string(value)) }
        return event.setting("body", to: .string(body))
    }

    /// A payload 1.0 `POST /token` (client_credentials, HTTP Basic) for a registered client.
    static func tokenRequest(
        clientID: String,
        secret: String,
        form: String = "grant_type=client_credentials"
    )
        throws -> JSONValue
    {
        try self.restAPI(
            "POST",
            "/token",
            body: form,
            headers: ["Authorization": ["Basic \(Base64.encode(Array("\(clientID):\(secret)".utf8)))"]]
        )
    }

    /// A payload 2.0 JSON-RPC request to `/mcp` with a bearer token.
    static func mcp(
        _ method: String,
        params: JSONValue = [:],
        token: String?,
        domain: String = apiDomain,
        stage: String = "prod"
    ) throws -> JSONValue {
        var headers = ["mcp-protocol-version": "2025-06-18"]
        if let token { headers["authorization"] = "Bearer \(token)" }
        let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
        return try self.httpAPI(
            "POST",
            "/mcp",
            body: body.serializedString(),
            headers: headers,
            domain: domain,
            stage: stage
        )
    }
}

extension JSONValue {
    /// A copy with the member at `path` set to `value`; the objects along the path must exist, except the last.
    func setting(_ path: String..., to value: JSONValue) -> JSONValue {
        self.setting(path[...], to: value)
    }

    private func setting(_ path: ArraySlice<String>, to value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var members = self.objectValue ?? [:]
        members[key] = (members[key] ?? [:]).setting(path.dropFirst(), to: value)
        return .object(members)
    }
}
