import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Logging
import MCPWire
import Testing

@testable import MCPServerCore

@Suite("Discovery metadata (RFC 9728, RFC 8414) and JWKS")
struct DiscoveryTests {
    @Test(arguments: ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"])
    func protectedResourceMetadataNamesTheMCPURL(_ path: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.request(.get, path)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.json["resource"] == .string("\(AuthHarness.base)/mcp"))
            #expect(answer.json["authorization_servers"] == [.string(AuthHarness.base)])
            #expect(answer.json["scopes_supported"] == ["mcp:read", "mcp:tools"])
            #expect(answer.json["bearer_methods_supported"] == ["header"])
        }
    }

    @Test func authorizationServerMetadataAdvertisesWhatExists() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let metadata = try await client.request(.get, "/.well-known/oauth-authorization-server").json
            #expect(metadata["issuer"] == .string(AuthHarness.base))
            #expect(metadata["token_endpoint"] == .string("\(AuthHarness.base)/token"))
            #expect(metadata["registration_endpoint"] == .string("\(AuthHarness.base)/dcr"))
            #expect(metadata["jwks_uri"] == .string("\(AuthHarness.base)/jwks.json"))
            #expect(metadata["authorization_endpoint"] == .string("\(AuthHarness.base)/authorize"))
            #expect(metadata["grant_types_supported"] == ["authorization_code", "refresh_token", "client_credentials"])
            #expect(
                metadata["token_endpoint_auth_methods_supported"]
                    == ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"]
            )
            #expect(metadata["token_endpoint_auth_signing_alg_values_supported"]?.arrayValue?.contains("ES256") == true)
            #expect(metadata["scopes_supported"] == ["mcp:read", "mcp:tools"])
            #expect(metadata["response_types_supported"] == ["code"])
            #expect(metadata["response_modes_supported"] == ["query"])
            #expect(metadata["code_challenge_methods_supported"] == ["S256"])
            #expect(metadata["revocation_endpoint"] == .string("\(AuthHarness.base)/revoke"))
            #expect(
                metadata["revocation_endpoint_auth_methods_supported"]
                    == metadata["token_endpoint_auth_methods_supported"]
            )
            #expect(metadata["authorization_response_iss_parameter_supported"] == true)
            #expect(metadata["client_id_metadata_document_supported"] == true)
            #expect(metadata["tls_client_certificate_bound_access_tokens"] == nil)
        }
    }

    @Test func jwksPublishesTheVerifyingKey() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let jwks = try await client.request(.get, "/jwks.json").json
            let key = try #require(jwks["keys"]?.arrayValue?.first)
            #expect(key["kty"] == "EC")
            #expect(key["crv"] == "P-256")
            #expect(key["alg"] == "ES256")
            #expect(key["kid"] == .string(await harness.server.keyRing.currentKeyID))
            #expect(key["d"] == nil, "never the private part")
        }
    }

    @Test func everythingKeepsThePathPrefixOfThePublicURL() async throws {
        let base = "https://gw.example.com/prod"
        let harness = try await AuthHarness.make(base: base)
        try await harness.app.test(.router) { client in
            for path in [
                "/.well-known/oauth-protected-resource/prod/mcp", "/prod/.well-known/oauth-protected-resource",
                "/.well-known/oauth-protected-resource",
            ] {
                let prm = try await client.request(.get, path)
                #expect(prm.json["resource"] == .string("\(base)/mcp"), "\(path)")
                #expect(prm.json["authorization_servers"] == [.string(base)], "\(path)")
            }
            for path in [
                "/.well-known/oauth-authorization-server/prod", "/prod/.well-known/oauth-authorization-server",
            ] {
                let metadata = try await client.request(.get, path)
                #expect(metadata.json["issuer"] == .string(base), "\(path)")
                #expect(metadata.json["token_endpoint"] == .string("\(base)/token"), "\(path)")
            }
            // The gateway may or may not strip the stage: both forms work.
            for prefix in ["", "/prod"] {
                let challenge = try await client.request(
                    .post,
                    "\(prefix)/mcp",
                    headers: ["Content-Type": "application/json"],
                    body: "{}"
                )
                #expect(
                    challenge.header("WWW-Authenticate")?.contains(
                        #"resource_metadata="\#(base)/.well-known/oauth-protected-resource""#
                    ) == true
                )
                let registration = try await client.request(
                    .post,
                    "\(prefix)/dcr",
                    headers: ["Content-Type": "application/json"],
                    body: "{}"
                )
                #expect(registration.status == .created)
                #expect(
                    registration.json["registration_client_uri"]?.stringValue?.hasPrefix("\(base)/clients/") == true
                )
                let id = registration.json["client_id"]!.stringValue!
                let secret = registration.json["client_secret"]!.stringValue!
                let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
                let token = try await client.request(
                    .post,
                    "\(prefix)/token",
                    headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"],
                    body: "grant_type=client_credentials&resource=\(base)/mcp"
                )
                #expect(token.status == .ok)
                let accessToken = token.json["access_token"]!.stringValue!
                let call = try await client.request(
                    .post,
                    "\(prefix)/mcp",
                    headers: [
                        "Content-Type": "application/json", "Accept": "*/*", "Authorization": "Bearer \(accessToken)",
                    ],
                    body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
                )
                #expect(call.status == .ok)
            }
        }
    }
}

@Suite("Signing keys")
struct SigningKeyTests {
    @Test func rotationSignsWithTheNewKeyAndOldTokensKeepWorking() async throws {
        let store = InMemoryServerStore()
        let harness = try await AuthHarness.make(store: store)
        try await harness.app.test(.router) { client in
            let (oldToken, _, _) = try await client.accessToken()
            let oldKID = await harness.server.keyRing.currentKeyID
            let fresh = try await KeyRing.rotate(store: store, tokenLifetime: .seconds(3600))
            #expect(fresh.id != oldKID)
            // Another instance starting now signs with the new key; this one learns it on first sight.
            let second = try await AuthHarness.make(store: store)
            try await second.app.test(.router) { secondClient in
                let (newToken, _, _) = try await secondClient.accessToken()
                #expect(
                    newToken.split(separator: ".").first.flatMap { Base64.decode($0, .url) }.map {
                        String(decoding: $0, as: UTF8.self)
                    }?.contains(fresh.id) == true
                )
                #expect(try await client.callMCP(token: newToken).status == .ok)
            }
            #expect(try await client.callMCP(token: oldToken).status == .ok)
            let kids = try await client.request(.get, "/jwks.json").json["keys"]?.arrayValue?.compactMap {
                $0["kid"]?.stringValue
            }
            #expect(Set(kids ?? []) == [oldKID, fresh.id])
            let keys = try await store.signingKeys()
            #expect(keys.first { $0.id == oldKID }?.retiredAt != nil)
            #expect(keys.first { $0.id == fresh.id }?.retiredAt == nil)
        }
    }

    @Test func keysRetiredLongerThanATokenLivesAreForgotten() async throws {
        let store = InMemoryServerStore()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try await KeyRing.rotate(store: store, tokenLifetime: .seconds(60), now: start)
        let second = try await KeyRing.rotate(
            store: store,
            tokenLifetime: .seconds(60),
            now: start.addingTimeInterval(10)
        )
        let third = try await KeyRing.rotate(
            store: store,
            tokenLifetime: .seconds(60),
            now: start.addingTimeInterval(1000)
        )
        #expect(try await store.signingKeys().map(\.id) == [third.id, second.id])
        #expect(first.id != second.id)
    }

    @Test func anOperatorKeySignsAndIsPublished() async throws {
        let key = ES256PrivateKey()
        let harness = try await AuthHarness.make(source: .operatorPEM(key.pemRepresentation))
        try await harness.app.test(.router) { client in
            let (token, _, _) = try await client.accessToken()
            #expect(try await client.callMCP(token: token).status == .ok)
            let kid = try KeyRing.thumbprint(of: key)
            #expect(await harness.server.keyRing.currentKeyID == kid)
            let jwks = try await client.request(.get, "/jwks.json").json
            #expect(jwks["keys"]?.arrayValue?.first?["kid"] == .string(kid))
            #expect(try await harness.store.signingKeys().isEmpty, "an operator key is never copied into the store")
        }
    }

    @Test func hs256IsAvailableButPublishesNothing() async throws {
        let harness = try await AuthHarness.make(source: .sharedSecret(String(repeating: "s", count: 40)))
        try await harness.app.test(.router) { client in
            let (token, _, _) = try await client.accessToken()
            let header = try JSONValue(parsing: Base64.decode(token.split(separator: ".")[0], .url)!)
            #expect(header["alg"] == "HS256")
            #expect(try await client.callMCP(token: token).status == .ok)
            #expect(try await client.request(.get, "/jwks.json").json["keys"] == [])
            #expect(try await client.request(.get, "/.well-known/oauth-authorization-server").json["jwks_uri"] == nil)
            // An ES256 token from another server is refused here.
            let other = try await AuthHarness.make(store: harness.store)
            let foreign = try await other.server.keyRing.sign(
                ProtectedEndpointTests.claims(clientID: (try await harness.store.listClients())[0].id)
            )
            #expect(try await client.callMCP(token: foreign).status == .unauthorized)
        }
    }
}

@Suite("CORS")
struct CORSTests {
    @Test func preflightFromAnAllowedOriginIsAnswered() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            for path in ["/mcp", "/dcr", "/token", "/.well-known/oauth-protected-resource"] {
                let answer = try await client.request(
                    .options,
                    path,
                    headers: [
                        "Origin": "http://localhost:6274", "Access-Control-Request-Method": "POST",
                        "Access-Control-Request-Headers": "authorization, content-type, mcp-param-region",
                    ]
                )
                #expect(answer.status == .noContent, "\(path)")
                #expect(answer.header("Access-Control-Allow-Origin") != nil, "\(path)")
                #expect(answer.header("Access-Control-Allow-Headers")?.contains("Authorization") == true, "\(path)")
                #expect(answer.header("Access-Control-Allow-Headers")?.contains("mcp-param-region") == true, "\(path)")
            }
        }
    }

    @Test func foreignOriginsGetNoCORSAndMCPRefusesThem() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let preflight = try await client.request(
                .options,
                "/mcp",
                headers: ["Origin": "http://evil.example", "Access-Control-Request-Method": "POST"]
            )
            #expect(preflight.status == .forbidden)
            #expect(preflight.header("Access-Control-Allow-Origin") == nil)
            let withoutToken = try await client.request(
                .post,
                "/mcp",
                headers: ["Origin": "http://evil.example"],
                body: "{}"
            )
            #expect(withoutToken.status == .forbidden, "a foreign origin gets 403 before authentication")
            let (token, _, _) = try await client.accessToken()
            var headers = ["Content-Type": "application/json", "Accept": "*/*", "Authorization": "Bearer \(token)"]
            headers["Origin"] = "http://evil.example"
            let call = try await client.request(
                .post,
                "/mcp",
                headers: headers,
                body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            )
            #expect(call.status == .forbidden)
            headers["Origin"] = "http://localhost:6274"
            let allowed = try await client.request(
                .post,
                "/mcp",
                headers: headers,
                body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            )
            #expect(allowed.status == .ok)
            #expect(allowed.header("Access-Control-Allow-Origin") == "http://localhost:6274")
            #expect(allowed.header("Access-Control-Expose-Headers")?.contains("WWW-Authenticate") == true)
            #expect(allowed.header("Access-Control-Expose-Headers")?.contains("Mcp-Session-Id") == true)
        }
    }

    @Test func discoveryDocumentsArePublic() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.request(
                .get,
                "/.well-known/oauth-authorization-server",
                headers: ["Origin": "http://anything.example"]
            )
            #expect(answer.header("Access-Control-Allow-Origin") == "*")
            let unauthorized = try await client.request(
                .post,
                "/mcp",
                headers: ["Origin": "http://localhost:6274"],
                body: "{}"
            )
            #expect(unauthorized.status == .unauthorized)
            #expect(
                unauthorized.header("Access-Control-Allow-Origin") == "http://localhost:6274",
                "a browser must be able to read the 401 challenge"
            )
        }
    }
}
