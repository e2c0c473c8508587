import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// The URLs a request is answered with come from the request, not from what the router was built with.
@Suite("Request-scoped URLs")
struct RequestURLsTests {
    static func payload(of token: String) throws -> JSONValue {
        let part = token.split(separator: ".")[1]
        return try JSONValue(parsing: try #require(Base64.decode(part, .url)))
    }

    @Test("a server on port 0 names the port it got in every challenge, document and token")
    func boundPortReachesEveryURL() async throws {
        // The router is built before the port exists (`serve --port 0` without --public-url).
        let harness = try await AuthHarness.make(baseURL: .boundAddress(host: "localhost"))
        try await harness.app.test(.live) { client in
            let base = "http://localhost:\(try #require(client.port))"
            let metadataURL = "\(base)/.well-known/oauth-protected-resource"

            let anonymous = try await client.callMCP(token: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.header("WWW-Authenticate")?.contains(#"resource_metadata="\#(metadataURL)""#) == true)

            let bad = try await client.callMCP(token: "not.a.token")
            #expect(bad.header("WWW-Authenticate")?.contains(#"resource_metadata="\#(metadataURL)""#) == true)

            let (reader, _, _) = try await client.accessToken(scope: "mcp:read")
            let claims = try Self.payload(of: reader)
            #expect(claims["iss"] == .string(base))
            #expect(claims["aud"] == [.string("\(base)/mcp")] || claims["aud"] == .string("\(base)/mcp"))
            let forbidden = try await client.callMCP(token: reader)
            #expect(forbidden.status == .forbidden)
            let challenge = try #require(forbidden.header("WWW-Authenticate"))
            #expect(challenge.contains(#"resource_metadata="\#(metadataURL)""#))
            #expect(!challenge.contains(":0/"))

            let resource = try await client.request(.get, "/.well-known/oauth-protected-resource")
            #expect(resource.json["resource"] == .string("\(base)/mcp"))
            let issuer = try await client.request(.get, "/.well-known/oauth-authorization-server")
            #expect(issuer.json["issuer"] == .string(base))
            #expect(issuer.json["token_endpoint"] == .string("\(base)/token"))
            let registered = try await client.register()
            #expect(registered.json["registration_client_uri"]?.stringValue?.hasPrefix("\(base)/clients/") == true)
        }
    }

    @Test("the server's own origin may call /mcp, as README says")
    func ownOriginIsAllowed() async throws {
        let harness = try await AuthHarness.make(baseURL: .boundAddress(host: "localhost"), allowedOrigins: [])
        try await harness.app.test(.live) { client in
            let own = "http://localhost:\(try #require(client.port))"
            let headers = [
                "Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Origin": own,
            ]
            let body = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            let mine = try await client.request(.post, "/mcp", headers: headers, body: body)
            #expect(mine.status == .unauthorized)
            var foreign = headers
            foreign["Origin"] = "http://evil.example"
            #expect(try await client.request(.post, "/mcp", headers: foreign, body: body).status == .forbidden)
        }
    }
}
