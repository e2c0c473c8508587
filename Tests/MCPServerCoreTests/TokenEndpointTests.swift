import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

@Suite("Token endpoint (client_credentials)")
struct TokenEndpointTests {
    @Test func basicAuthIssuesAnRFC9068Token() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            let answer = try await client.token(
                id: registered.id,
                secret: registered.secret,
                form: "grant_type=client_credentials&resource=\(AuthHarness.base)/mcp"
            )
            #expect(answer.status == .ok)
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(answer.header("Pragma") == "no-cache")
            #expect(answer.json["token_type"] == "Bearer")
            #expect(answer.json["expires_in"] == 3600)
            #expect(answer.json["scope"] == "mcp:read mcp:tools")
            #expect(answer.json["refresh_token"] == nil)
            let token = try #require(answer.json["access_token"]?.stringValue)
            let parts = token.split(separator: ".").map { try? JSONValue(parsing: Base64.decode($0, .url) ?? []) }
            let header = try #require(parts[0])
            let claims = try #require(parts[1])
            #expect(header["typ"] == "at+jwt")
            #expect(header["alg"] == "ES256")
            #expect(header["kid"] == .string(await harness.server.keyRing.currentKeyID))
            #expect(claims["iss"] == .string(AuthHarness.base))
            #expect(
                claims["aud"] == .string("\(AuthHarness.base)/mcp")
                    || claims["aud"] == .array([.string("\(AuthHarness.base)/mcp")])
            )
            #expect(claims["sub"] == .string(registered.id))
            #expect(claims["client_id"] == .string(registered.id))
            #expect(claims["scope"] == "mcp:read mcp:tools")
            #expect(claims["jti"]?.stringValue?.isEmpty == false)
            let iat = try #require(claims["iat"]?.numberValue?.int64Value)
            #expect(claims["exp"]?.numberValue?.int64Value == iat + 3600)
            #expect(!harness.logs.text.contains(token))
            #expect(!harness.logs.text.contains(registered.secret))
            #expect(harness.logs.audits("token.issued").first?.value("client_id") == registered.id)
        }
    }

    @Test func basicCredentialsAreFormDecodedBeforeUse() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            // RFC 6749 §2.3.1: each part is form-urlencoded before base64; decode it that way.
            let id = registered.id.replacingOccurrences(of: "_", with: "%5F")
            let secret = registered.secret.replacingOccurrences(of: "-", with: "%2D")
            #expect(try await client.token(id: id, secret: secret).status == .ok)
        }
    }

    @Test func clientSecretPostWorksForClientsRegisteredForIt() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient(#"{"token_endpoint_auth_method":"client_secret_post"}"#)
            let post = try await client.request(
                .post,
                "/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "grant_type=client_credentials&client_id=\(registered.id)&client_secret=\(registered.secret)"
            )
            #expect(post.status == .ok)
            // The registered method is enforced.
            let basic = try await client.token(id: registered.id, secret: registered.secret)
            #expect(basic.status == .unauthorized)
            #expect(basic.oauthError == "invalid_client")
        }
    }

    @Test func bothMethodsAtOnceIsInvalidRequest() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            let answer = try await client.token(
                id: registered.id,
                secret: registered.secret,
                form: "grant_type=client_credentials&client_secret=\(registered.secret)"
            )
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "invalid_request")
        }
    }

    @Test func wrongSecretUnknownClientAndNoCredentialsAreInvalidClient() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            for (id, secret) in [(registered.id, "wrong"), ("mcp_nobody", registered.secret), (registered.id, "")] {
                let answer = try await client.token(id: id, secret: secret)
                #expect(answer.status == .unauthorized)
                #expect(answer.oauthError == "invalid_client")
                #expect(answer.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
                #expect(harness.logs.audits("token.refused").isEmpty == false)
            }
            let none = try await client.request(
                .post,
                "/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "grant_type=client_credentials"
            )
            #expect(none.status == .unauthorized)
            #expect(none.oauthError == "invalid_client")
            let garbage = try await client.request(
                .post,
                "/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic !!!"],
                body: "grant_type=client_credentials"
            )
            #expect(garbage.status == .unauthorized)
        }
    }

    @Test(arguments: [
        ("grant_type=authorization_code&code=x", "unauthorized_client"),
        ("grant_type=password&username=a&password=b", "unsupported_grant_type"),
        ("scope=mcp:read", "invalid_request"),
        ("grant_type=client_credentials&scope=admin", "invalid_scope"),
        ("grant_type=client_credentials&scope=", "invalid_scope"),
        ("grant_type=client_credentials&resource=https://other.example/mcp", "invalid_target"),
        ("grant_type=client_credentials&resource=http://mcp.test/mcp%23frag", "invalid_target"),
        ("grant_type=client_credentials&grant_type=client_credentials", "invalid_request"),
        ("grant_type=client_credentials&scope=%ZZ", "invalid_request"),
    ])
    func badRequestsGetTheirRFC6749Error(_ form: String, _ error: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            let answer = try await client.token(id: registered.id, secret: registered.secret, form: form)
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == error)
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(answer.json["access_token"] == nil)
        }
    }

    @Test func scopeCanBeNarrowedButNotWidened() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let reader = try await client.registeredClient(#"{"scope":"mcp:read"}"#)
            let narrowed = try await client.token(
                id: reader.id,
                secret: reader.secret,
                form: "grant_type=client_credentials&scope=mcp:read"
            )
            #expect(narrowed.json["scope"] == "mcp:read")
            let widened = try await client.token(
                id: reader.id,
                secret: reader.secret,
                form: "grant_type=client_credentials&scope=mcp:tools"
            )
            #expect(widened.oauthError == "invalid_scope")
        }
    }

    @Test func wrongContentTypeIsInvalidRequest() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.request(
                .post,
                "/token",
                headers: ["Content-Type": "application/json"],
                body: #"{"grant_type":"client_credentials"}"#
            )
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "invalid_request")
        }
    }

    @Test func tokenRequestsAreRateLimitedPerClient() async throws {
        // Counted per clock minute: a run that straddles a minute boundary is done again (see the DCR test).
        for attempt in 1...3 {
            let minute = Int(Date().timeIntervalSince1970 / 60)
            let harness = try await AuthHarness.make(
                configuration: AuthConfiguration(tokenRequestsPerMinutePerClient: 2)
            )
            let (statuses, retryAfter) = try await harness.app.test(.router) { client in
                let registered = try await client.registeredClient()
                var statuses: [HTTPResponse.Status] = []
                var retryAfter: String?
                for _ in 0..<3 {
                    let answer = try await client.token(id: registered.id, secret: registered.secret)
                    statuses.append(answer.status)
                    retryAfter = answer.header("Retry-After")
                }
                return (statuses, retryAfter)
            }
            if Int(Date().timeIntervalSince1970 / 60) != minute, attempt < 3 { continue }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            #expect(retryAfter != nil)
            return
        }
    }
}
