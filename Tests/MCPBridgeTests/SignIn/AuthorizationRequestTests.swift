import Foundation
import MCPWire
import Testing

@testable import MCPBridgeCore

@Suite("the authorization request")
struct AuthorizationRequestTests {
    static func request(
        endpoint: String = "https://as.example.com/authorize",
        scope: String? = "mcp:read files:write",
        allowPlainHTTP: Bool = false
    ) throws -> AuthorizationRequest {
        try AuthorizationRequest(
            authorizationEndpoint: endpoint,
            issuer: "https://as.example.com",
            clientID: "client id/1",
            redirectURI: "http://127.0.0.1:23456/callback",
            scope: scope,
            resource: "https://mcp.example.com/mcp?x=1",
            issParameterSupported: true,
            allowPlainHTTP: allowPlainHTTP
        )
    }

    /// The query's parameters, decoded, in order.
    static func parameters(_ url: URL) throws -> [(String, String)] {
        let query = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery)
        return try #require(PercentEncoding.pairs(query)).map { ($0.name, $0.value) }
    }

    @Test("the URL carries every parameter, percent-encoded, in order")
    func parametersInOrder() throws {
        let request = try Self.request()
        let url = request.url
        #expect(url.absoluteString.hasPrefix("https://as.example.com/authorize?response_type=code&"))
        let parameters = try Self.parameters(url)
        #expect(
            parameters.map(\.0) == [
                "response_type", "client_id", "redirect_uri", "code_challenge", "code_challenge_method", "state",
                "resource", "scope",
            ]
        )
        let values = Dictionary(uniqueKeysWithValues: parameters)
        #expect(values["client_id"] == "client id/1")
        #expect(values["redirect_uri"] == "http://127.0.0.1:23456/callback")
        #expect(values["code_challenge"] == PKCE.challenge(for: request.codeVerifier))
        #expect(values["code_challenge_method"] == "S256")
        #expect(values["state"] == request.state)
        #expect(values["resource"] == "https://mcp.example.com/mcp?x=1")
        #expect(values["scope"] == "mcp:read files:write")
        // Everything outside the unreserved set is escaped: a space as %20, never a raw `&`, `=`, `?` or `/`.
        let query = url.query(percentEncoded: true) ?? ""
        #expect(query.contains("scope=mcp%3Aread%20files%3Awrite"))
        #expect(query.contains("resource=https%3A%2F%2Fmcp.example.com%2Fmcp%3Fx%3D1"))
        #expect(query.contains("client_id=client%20id%2F1"))
        #expect(!query.contains(request.codeVerifier))
    }

    @Test("a query the endpoint already has is kept, first")
    func existingQuery() throws {
        let request = try Self.request(endpoint: "https://as.example.com/authorize?tenant=a%20b&p=1")
        #expect(
            request.url.absoluteString.hasPrefix(
                "https://as.example.com/authorize?tenant=a%20b&p=1&response_type=code&"
            )
        )
        let names = try Self.parameters(request.url).map(\.0)
        #expect(names.prefix(2) == ["tenant", "p"])
    }

    @Test("no scope, or an empty one, leaves the parameter out")
    func noScope() throws {
        for scope in [nil, ""] {
            let request = try Self.request(scope: scope)
            #expect(request.scope == nil)
            #expect(!(try Self.parameters(request.url)).contains { $0.0 == "scope" })
        }
    }

    @Test("state and verifier are fresh, long random values")
    func randomness() throws {
        let first = try Self.request()
        let second = try Self.request()
        #expect(first.state != second.state)
        #expect(first.codeVerifier != second.codeVerifier)
        // 32 random bytes: 43 base64url characters, 256 bits.
        #expect(first.state.utf8.count == 43)
        #expect(PKCE.isValidVerifier(first.codeVerifier))
    }

    @Test(
        "endpoints a sign-in must not be sent to are refused",
        arguments: [
            "http://as.example.com/authorize", "ftp://as.example.com/authorize", "not a url",
            "https://as.example.com/authorize#frag", "https://as.example.com/authorize?client_id=other",
            "https://as.example.com/authorize?state=fixed", "javascript:alert(1)",
        ]
    )
    func refusedEndpoints(endpoint: String) {
        #expect(throws: BridgeError.self) { try Self.request(endpoint: endpoint) }
    }

    @Test("plain http is fine to this machine, or anywhere with --allow-http")
    func plainHTTP() throws {
        _ = try Self.request(endpoint: "http://127.0.0.1:8080/authorize")
        _ = try Self.request(endpoint: "http://localhost/authorize")
        _ = try Self.request(endpoint: "http://as.internal/authorize", allowPlainHTTP: true)
    }

    @Test("it survives a round trip through JSON, URL included; a damaged one does not decode")
    func codable() throws {
        let request = try Self.request()
        let data = try JSONEncoder().encode(request)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"code_verifier\""))
        #expect(!json.contains("\"url\""))
        let decoded = try JSONDecoder().decode(AuthorizationRequest.self, from: data)
        #expect(decoded == request)
        #expect(decoded.url == request.url)

        let damaged = json.replacingOccurrences(of: request.codeVerifier, with: "short")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AuthorizationRequest.self, from: Data(damaged.utf8))
        }
    }
}
