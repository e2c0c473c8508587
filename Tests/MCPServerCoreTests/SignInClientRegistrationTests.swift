import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// DCR for clients that sign people in (RFC 7591 with the MCP authorization specification): public and confidential
/// authorization-code clients, `private_key_jwt` keys, and RFC 7592 updates that cannot widen them.
@Suite("DCR for sign-in clients")
struct SignInClientRegistrationTests {
    /// RFC 7517 Appendix A.1's P-256 public key.
    static let ecKey: JSONValue = [
        "kty": "EC", "crv": "P-256", "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", "use": "sig", "kid": "1",
    ]

    static func jwks(_ keys: JSONValue...) -> String {
        JSONValue.object(["keys": .array(keys)]).serializedString()
    }

    /// An RSA public key whose modulus has `bytes` bytes.
    static func rsaKey(bytes: Int) -> JSONValue {
        ["kty": "RSA", "n": .string(Base64.encode([UInt8](repeating: 0xC5, count: bytes), .url)), "e": "AQAB"]
    }

    @Test func aPublicNativeClientLikeCursorRegistersWithoutASecret() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.register(
                #"""
                {"client_name":"Cursor","application_type":"native","token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
                 "redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback","http://127.0.0.1/callback"]}
                """#
            )
            #expect(answer.status == .created, "\(answer.body)")
            let json = answer.json
            #expect(json["client_secret"] == nil, "a public client gets no secret")
            #expect(json["registration_access_token"]?.stringValue != nil)
            #expect(json["token_endpoint_auth_method"] == "none")
            #expect(json["application_type"] == "native")
            #expect(json["grant_types"] == ["authorization_code", "refresh_token"])
            #expect(json["response_types"] == ["code"])
            #expect(
                json["redirect_uris"] == ["cursor://anysphere.cursor-mcp/oauth/callback", "http://127.0.0.1/callback"]
            )
            let id = try #require(json["client_id"]?.stringValue)
            let known = try #require(try await harness.server.clients.client(id: id))
            #expect(known.isPublic)
            #expect(known.authorizationClient.mayUseAuthorizationCode)
            #expect(known.authorizationClient.redirectURIs.count == 2)
        }
    }

    /// Cursor's registration as it is sent (three redirect URIs, public, no `application_type`): the private-use
    /// scheme is accepted because the client is public, so its codes are bound to its PKCE verifier.
    @Test func cursorsRealRegistrationIsAccepted() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.register(
                #"""
                {"client_name":"Cursor","token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
                 "redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback",
                  "https://www.cursor.com/agents/mcp/oauth/callback","http://localhost:8787/callback"]}
                """#
            )
            #expect(answer.status == .created, "\(answer.body)")
            #expect(answer.json["client_secret"] == nil)
            #expect(answer.json["application_type"] == "web")
        }
    }

    /// VS Code's registration as it is sent: two https redirects and two loopback ones with a trailing slash; at
    /// `/authorize` it uses whatever port it could bind, which the loopback rule accepts.
    @Test func vsCodesRealRegistrationIsAcceptedAndMatchesAnyLoopbackPort() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.register(
                #"""
                {"client_name":"Visual Studio Code","token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
                 "redirect_uris":["https://insiders.vscode.dev/redirect","https://vscode.dev/redirect",
                  "http://127.0.0.1/","http://127.0.0.1:33418/"]}
                """#
            )
            #expect(answer.status == .created, "\(answer.body)")
            let id = try #require(answer.json["client_id"]?.stringValue)
            let known = try #require(try await harness.server.clients.client(id: id))
            #expect(RedirectURIPolicy.matches("http://127.0.0.1:59656/", registered: known.metadata.redirectURIs ?? []))
            #expect(
                !RedirectURIPolicy.matches("http://127.0.0.1:59656/x", registered: known.metadata.redirectURIs ?? [])
            )
        }
    }

    @Test func aConfidentialWebClientGetsASecretAndTheRFCDefaults() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            // Only redirect URIs: RFC 7591 §2's defaults, authorization_code with response type code.
            let answer = try await client.register(
                #"{"client_name":"Claude","redirect_uris":["https://claude.ai/api/mcp/auth_callback"]}"#
            )
            #expect(answer.status == .created, "\(answer.body)")
            #expect(answer.json["client_secret"]?.stringValue != nil)
            #expect(answer.json["grant_types"] == ["authorization_code"])
            #expect(answer.json["response_types"] == ["code"])
            #expect(answer.json["token_endpoint_auth_method"] == "client_secret_basic")
            #expect(answer.json["application_type"] == "web")
            // A machine client that sends nothing still gets client_credentials and no response types.
            let machine = try await client.register("{}")
            #expect(machine.json["grant_types"] == ["client_credentials"])
            #expect(machine.json["response_types"] == [])
        }
    }

    @Test func privateKeyJWTClientsRegisterPublicKeysOrAKeyURL() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let okp: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"]
            let embedded = try await client.register(
                #"{"token_endpoint_auth_method":"private_key_jwt","jwks":\#(Self.jwks(Self.ecKey, okp, Self.rsaKey(bytes: 256)))}"#
            )
            #expect(embedded.status == .created, "\(embedded.body)")
            #expect(embedded.json["client_secret"] == nil, "a key holder needs no secret")
            #expect(embedded.json["grant_types"] == ["client_credentials"])
            #expect(embedded.json["jwks"]?["keys"]?.arrayValue?.count == 3)
            let byURL = try await client.register(
                #"{"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://keys.example.com/jwks.json"}"#
            )
            #expect(byURL.status == .created, "\(byURL.body)")
            #expect(byURL.json["jwks_uri"] == "https://keys.example.com/jwks.json")
            #expect(byURL.json["jwks"] == nil)
        }
    }

    @Test(arguments: [
        // Redirect URIs: private-use schemes only for native clients; http only on loopback; never script schemes.
        (#"{"redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"]}"#, "invalid_redirect_uri"),
        (
            #"{"application_type":"native","redirect_uris":["javascript://x/%0aalert(1)"]}"#,
            "invalid_redirect_uri"
        ),
        (#"{"redirect_uris":["http://localhost.evil.example/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://Good.example/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://good.example/cb?code=1"]}"#, "invalid_redirect_uri"),
        (#"{"grant_types":["authorization_code"],"redirect_uris":[]}"#, "invalid_redirect_uri"),
        // Grants and response types agree.
        (#"{"grant_types":["refresh_token"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example/cb"],"response_types":[]}"#, "invalid_client_metadata"),
        (#"{"grant_types":["client_credentials"],"response_types":["code"]}"#, "invalid_client_metadata"),
        // A public client has nothing to prove itself with at /token.
        (
            #"{"token_endpoint_auth_method":"none","grant_types":["client_credentials"]}"#,
            "invalid_client_metadata"
        ),
        (
            #"{"token_endpoint_auth_method":"none","redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code","client_credentials"]}"#,
            "invalid_client_metadata"
        ),
        // private_key_jwt: exactly one key source, public signing keys only.
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example/j","jwks":{"keys":[]}}"#,
            "invalid_client_metadata"
        ),
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://k.example/j"}"#,
            "invalid_client_metadata"
        ),
        (#"{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[]}}"#, "invalid_client_metadata"),
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}"#,
            "invalid_client_metadata"
        ),
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"}]}}"#,
            "invalid_client_metadata"
        ),
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}]}}"#,
            "invalid_client_metadata"
        ),
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"HS256"}]}}"#,
            "invalid_client_metadata"
        ),
        (
            #"{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"enc"}]}}"#,
            "invalid_client_metadata"
        ),
        (#"{"application_type":"desktop","redirect_uris":["https://a.example/cb"]}"#, "invalid_client_metadata"),
    ])
    func inconsistentOrUnsafeMetadataIsRefused(_ body: String, _ error: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.register(body)
            #expect(answer.status == .badRequest, "\(answer.body)")
            #expect(answer.oauthError == error, "\(answer.body)")
            #expect(answer.json["error_description"]?.stringValue?.isEmpty == false)
            #expect(try await harness.store.listClients().isEmpty)
        }
    }

    @Test func shortRSAKeysAreRefused() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let short = try await client.register(
                #"{"token_endpoint_auth_method":"private_key_jwt","jwks":\#(Self.jwks(Self.rsaKey(bytes: 128)))}"#
            )
            #expect(short.oauthError == "invalid_client_metadata")
            #expect(short.json["error_description"]?.stringValue?.contains("2048") == true)
        }
    }

    /// A registered public native client and its registration access token.
    static func nativeClient(_ client: some TestClientProtocol) async throws -> (id: String, rat: String) {
        let answer = try await client.register(
            #"""
            {"client_name":"Cursor","application_type":"native","token_endpoint_auth_method":"none",
             "grant_types":["authorization_code","refresh_token"],"scope":"mcp:read",
             "redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"]}
            """#
        )
        guard let id = answer.json["client_id"]?.stringValue,
            let rat = answer.json["registration_access_token"]?.stringValue
        else { throw HarnessError.unexpected("registration failed: \(answer.body)") }
        return (id, rat)
    }

    static func put(
        _ client: some TestClientProtocol,
        _ registered: (id: String, rat: String),
        _ body: String
    ) async throws -> HTTPAnswer {
        try await client.request(
            .put,
            "/clients/\(registered.id)",
            headers: ["Authorization": "Bearer \(registered.rat)", "Content-Type": "application/json"],
            body: body.replacingOccurrences(of: "ID", with: registered.id)
        )
    }

    @Test(arguments: [
        // The method, the application type, the grants and the scope stay as granted.
        #"{"client_id":"ID","token_endpoint_auth_method":"client_secret_basic","redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"]}"#,
        #"{"client_id":"ID","application_type":"web","redirect_uris":["https://a.example/cb"]}"#,
        #"{"client_id":"ID","grant_types":["authorization_code","client_credentials"],"redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"]}"#,
        #"{"client_id":"ID","scope":"mcp:read mcp:tools","redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"]}"#,
        // Redirect URIs are checked again, and an authorization-code client cannot drop them all.
        #"{"client_id":"ID","redirect_uris":["javascript:alert(1)"]}"#,
        #"{"client_id":"ID","client_name":"no redirects"}"#,
    ])
    func anUpdateCannotWidenASignInClient(_ body: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await Self.nativeClient(client)
            let before = try await harness.store.client(id: registered.id)
            let answer = try await Self.put(client, registered, body)
            #expect(answer.status == .badRequest, "\(answer.body)")
            #expect(["invalid_client_metadata", "invalid_redirect_uri"].contains(answer.oauthError ?? ""))
            #expect(try await harness.store.client(id: registered.id) == before)
        }
    }

    @Test func redirectURIsMayChangeAndOmittedGrantsAreKept() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await Self.nativeClient(client)
            let answer = try await Self.put(
                client,
                registered,
                #"{"client_id":"ID","client_name":"Cursor 2","redirect_uris":["http://127.0.0.1/callback"]}"#
            )
            #expect(answer.status == .ok, "\(answer.body)")
            #expect(answer.json["redirect_uris"] == ["http://127.0.0.1/callback"])
            #expect(answer.json["grant_types"] == ["authorization_code", "refresh_token"])
            #expect(answer.json["token_endpoint_auth_method"] == "none")
            #expect(answer.json["application_type"] == "native")
            #expect(answer.json["scope"] == "mcp:read")
            #expect(answer.json["client_secret"] == nil)
            // Narrowing is fine: drop refresh tokens.
            let narrowed = try await Self.put(
                client,
                registered,
                #"{"client_id":"ID","grant_types":["authorization_code"],"redirect_uris":["http://127.0.0.1/callback"]}"#
            )
            #expect(narrowed.status == .ok, "\(narrowed.body)")
            #expect(narrowed.json["grant_types"] == ["authorization_code"])
        }
    }

    @Test func theKeysOfAPrivateKeyJWTClientAreFixed() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.register(
                #"{"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://keys.example.com/jwks.json"}"#
            )
            let registered = (
                id: try #require(answer.json["client_id"]?.stringValue),
                rat: try #require(answer.json["registration_access_token"]?.stringValue)
            )
            let swapped = try await Self.put(
                client,
                registered,
                #"{"client_id":"ID","jwks_uri":"https://attacker.example/jwks.json"}"#
            )
            #expect(swapped.oauthError == "invalid_client_metadata")
            let embedded = try await Self.put(
                client,
                registered,
                #"{"client_id":"ID","jwks":\#(Self.jwks(Self.ecKey))}"#
            )
            #expect(embedded.oauthError == "invalid_client_metadata")
            let kept = try await Self.put(client, registered, #"{"client_id":"ID","client_name":"renamed"}"#)
            #expect(kept.status == .ok, "\(kept.body)")
            #expect(kept.json["jwks_uri"] == "https://keys.example.com/jwks.json")
        }
    }
}
