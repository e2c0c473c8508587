import Crypto
import Foundation
import Logging
import MCPWire
import NIOConcurrencyHelpers
import Testing

@testable import MCPBridgeCore

/// The sign-in requests against a scripted authorization server: what goes on the wire, and what each answer
/// means.
@Suite("OAuth sign-in requests", .timeLimit(.minutes(1)))
struct OAuthSignInTests {
    static let issuer = "https://as.example.com"
    static let resource = "https://mcp.example.com/mcp"
    static let token =
        #"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2","id_token":"x.y.z"}"#

    /// Runs `body` with an OAuth client and a server answering with `script`; both are stopped afterwards.
    static func withServer<T>(
        _ script: @escaping @Sendable (ScriptedAuthorizationServer.Request) -> ScriptedAuthorizationServer.Response,
        _ body: (OAuthClient, ScriptedAuthorizationServer) async throws -> T
    ) async throws -> T {
        let server = try await ScriptedAuthorizationServer.start(script)
        let http = try BridgeHTTP(settings: NetworkSettings(), logger: Logger(label: "test"))
        do {
            let result = try await body(OAuthClient(http: http), server)
            await http.shutdown()
            await server.stop()
            return result
        } catch {
            await http.shutdown()
            await server.stop()
            throw error
        }
    }

    static func request(_ server: ScriptedAuthorizationServer) throws -> AuthorizationRequest {
        try AuthorizationRequest(
            authorizationEndpoint: server.base + "/authorize",
            issuer: Self.issuer,
            clientID: "client 1",
            redirectURI: "http://127.0.0.1:23456/callback",
            scope: "mcp",
            resource: Self.resource,
            issParameterSupported: true
        )
    }

    @Test("the code exchange sends the code, redirect URI, verifier, resource and client id of a public client")
    func exchange() async throws {
        try await Self.withServer({ _ in .json(Self.token) }) { oauth, server in
            let request = try Self.request(server)
            let outcome = try await oauth.exchangeCode(
                "the code",
                request: request,
                tokenEndpoint: server.base + "/token",
                client: .none("client 1")
            )
            guard case .token(let token) = outcome else { throw BridgeError.authorization("no token: \(outcome)") }
            #expect(token.accessToken == "at-1")
            #expect(token.refreshToken == "rt-2")
            #expect(token.idToken == "x.y.z")
            let sent = try #require(server.requests.items.first)
            #expect(sent.method == "POST" && sent.path == "/token")
            #expect(sent.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(sent.headers["authorization"] == nil)
            #expect(
                sent.form == [
                    "grant_type": "authorization_code", "code": "the code", "redirect_uri": request.redirectURI,
                    "code_verifier": request.codeVerifier, "resource": Self.resource, "client_id": "client 1",
                ]
            )
            #expect(sent.body.contains("code=the+code"))
        }
    }

    @Test("client_secret_basic form-encodes id and secret before base64; client_secret_post puts them in the body")
    func secrets() async throws {
        try await Self.withServer({ _ in .json(Self.token) }) { oauth, server in
            _ = try await oauth.refresh(
                refreshToken: "rt-1",
                tokenEndpoint: server.base + "/token",
                resource: Self.resource,
                scope: "a b",
                client: .basic("my client:1", "p@ss word/é")
            )
            _ = try await oauth.refresh(
                refreshToken: "rt-1",
                tokenEndpoint: server.base + "/token",
                resource: Self.resource,
                scope: nil,
                client: .post("id", "secret")
            )
            let (basic, post) = (server.requests.items[0], server.requests.items[1])
            let header = try #require(basic.headers["authorization"])
            #expect(header.hasPrefix("Basic "))
            let decoded = String(decoding: try #require(Base64.decode(header.dropFirst(6))), as: UTF8.self)
            #expect(decoded == "my+client%3A1:p%40ss+word%2F%C3%A9")
            #expect(
                basic.form == [
                    "grant_type": "refresh_token", "refresh_token": "rt-1", "resource": Self.resource, "scope": "a b",
                    // The id again, unencoded, for servers that read the client from the body only.
                    "client_id": "my client:1",
                ]
            )
            #expect(post.headers["authorization"] == nil)
            #expect(post.form["client_id"] == "id" && post.form["client_secret"] == "secret")
            #expect(post.form["scope"] == nil)
        }
    }

    @Test("private_key_jwt sends an assertion for the issuer that verifies, and no client_id")
    func privateKeyJWT() async throws {
        let key = P256.Signing.PrivateKey()
        let signing = try ClientSigningKey(pem: key.pemRepresentation)
        try await Self.withServer({ _ in .json(Self.token) }) { oauth, server in
            _ = try await oauth.clientCredentialsToken(
                tokenEndpoint: server.base + "/token",
                resource: Self.resource,
                scope: nil,
                client: .privateKeyJWT("client-1", signing, audience: Self.issuer)
            )
            let sent = try #require(server.requests.items.first)
            #expect(sent.form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            #expect(sent.form["client_id"] == nil)
            let decoded = try ClientSigningKeyTests.Decoded(try #require(sent.form["client_assertion"]))
            #expect(decoded.claims["aud"] == .string(Self.issuer))
            #expect(decoded.claims["iss"] == "client-1")
            let signature = try P256.Signing.ECDSASignature(rawRepresentation: decoded.signature)
            #expect(key.publicKey.isValidSignature(signature, for: decoded.signingInput))
        }
    }

    @Test("invalid_grant, invalid_client and other refusals each mean what they say")
    func refusals() async throws {
        let script = ScriptedAuthorizationServer.sequence([
            .error(400, "invalid_grant", "refresh token reused"),
            .error(401, "invalid_client"),
            ScriptedAuthorizationServer.Response(status: 401, body: "no", contentType: "text/plain"),
            .error(400, "invalid_scope", "too wide"),
            .json(#"{"access_token":"a","token_type":"DPoP"}"#),
        ])
        try await Self.withServer(script) { oauth, server in
            func refresh() async throws -> OAuthClient.TokenOutcome {
                try await oauth.refresh(
                    refreshToken: "rt",
                    tokenEndpoint: server.base + "/token",
                    resource: Self.resource,
                    scope: nil,
                    client: .none("c")
                )
            }
            guard case .invalidGrant(let reason) = try await refresh() else {
                throw BridgeError.authorization("expected invalid_grant")
            }
            #expect(reason == "refresh token reused")
            guard case .invalidClient = try await refresh() else { throw BridgeError.authorization("expected 1") }
            guard case .invalidClient = try await refresh() else { throw BridgeError.authorization("expected 2") }
            let scope = await #expect(throws: BridgeError.self) { _ = try await refresh() }
            #expect(scope?.description.contains("invalid_scope: too wide") == true)
            let dpop = await #expect(throws: BridgeError.self) { _ = try await refresh() }
            #expect(dpop?.description.contains("only Bearer") == true)
        }
    }

    @Test("the client_credentials token of a stored registration works as before")
    func clientCredentials() async throws {
        try await Self.withServer({ _ in .json(#"{"access_token":"cc","token_type":"bearer"}"#) }) { oauth, server in
            let credentials = StoredCredentials(
                issuer: Self.issuer,
                resource: Self.resource,
                tokenEndpoint: server.base + "/token",
                registrationEndpoint: nil,
                tokenEndpointAuthMethod: "client_secret_basic",
                clientID: "id",
                clientSecret: "secret",
                registrationAccessToken: nil,
                registrationClientURI: nil,
                clientName: nil,
                scope: "mcp"
            )
            guard case .token(let token) = try await oauth.token(for: credentials) else {
                throw BridgeError.authorization("no token")
            }
            #expect(token.accessToken == "cc")
            let sent = try #require(server.requests.items.first)
            #expect(
                sent.form == [
                    "grant_type": "client_credentials", "resource": Self.resource, "scope": "mcp", "client_id": "id",
                ]
            )
            #expect(sent.headers["authorization"] == "Basic " + Base64.encode(Array("id:secret".utf8)))
        }
    }

    @Test("revocation posts the token and its hint with the client's authentication and returns the status")
    func revoke() async throws {
        try await Self.withServer(
            ScriptedAuthorizationServer.sequence([.json("{}"), .error(503, "temporarily_unavailable")])
        ) {
            oauth,
            server in
            let revoked = try await oauth.revoke(
                token: "rt-9",
                hint: "refresh_token",
                endpoint: server.base + "/revoke",
                client: .basic("id", "secret")
            )
            #expect(revoked == 200)
            let sent = try #require(server.requests.items.first)
            #expect(sent.path == "/revoke")
            #expect(sent.form == ["token": "rt-9", "token_type_hint": "refresh_token", "client_id": "id"])
            #expect(sent.headers["authorization"] != nil)
            #expect(
                try await oauth.revoke(
                    token: "a",
                    hint: "access_token",
                    endpoint: server.base + "/revoke",
                    client: .none("c")
                )
                    == 503
            )
        }
    }

    @Test("registration for sign-in: a native public client with the loopback redirect URI and its grants")
    func register() async throws {
        let answer =
            #"{"client_id":"new-client","token_endpoint_auth_method":"none","redirect_uris":["http://127.0.0.1:23456/callback"]}"#
        try await Self.withServer({ _ in .json(answer, status: 201) }) { oauth, server in
            let information = try await oauth.registerForSignIn(
                at: server.base + "/register",
                clientName: "mcp-bridge",
                redirectURIs: ["http://127.0.0.1:23456/callback"],
                grantTypes: OAuthClient.browserSignInGrantTypes + [OAuthClient.deviceCodeGrantType],
                scope: "mcp",
                authMethods: ["client_secret_basic", "none"]
            )
            #expect(information.clientID == "new-client")
            let sent = try #require(server.requests.items.first)
            let json = try #require(try JSONValue(parsing: sent.body).objectValue)
            #expect(json["application_type"] == "native")
            #expect(json["redirect_uris"] == ["http://127.0.0.1:23456/callback"])
            #expect(
                json["grant_types"] == [
                    "authorization_code", "refresh_token", .string(OAuthClient.deviceCodeGrantType),
                ]
            )
            #expect(json["response_types"] == ["code"])
            #expect(json["token_endpoint_auth_method"] == "none")
            #expect(json["client_name"] == "mcp-bridge")
            #expect(json["scope"] == "mcp")
        }
    }

    @Test("the sign-in client's authentication: none where allowed, else what the server takes")
    func signInAuthMethod() {
        #expect(OAuthClient.signInAuthMethod(supported: nil) == "none")
        #expect(OAuthClient.signInAuthMethod(supported: []) == "none")
        #expect(OAuthClient.signInAuthMethod(supported: ["client_secret_basic", "none"]) == "none")
        #expect(OAuthClient.signInAuthMethod(supported: ["client_secret_basic"]) == "client_secret_basic")
        #expect(OAuthClient.signInAuthMethod(supported: ["client_secret_post"]) == "client_secret_post")
        #expect(OAuthClient.signInAuthMethod(supported: ["private_key_jwt"]) == "client_secret_basic")
    }

    @Test("a refused redirect URI says what to do about it")
    func registerRefused() async throws {
        try await Self.withServer({ _ in .error(400, "invalid_redirect_uri", "loopback not allowed") }) {
            oauth,
            server in
            let error = await #expect(throws: BridgeError.self) {
                _ = try await oauth.registerForSignIn(
                    at: server.base + "/register",
                    clientName: "mcp-bridge",
                    redirectURIs: ["http://127.0.0.1:23456/callback"],
                    scope: nil,
                    authMethods: nil
                )
            }
            let message = error?.description ?? ""
            #expect(message.contains("invalid_redirect_uri") && message.contains("--client-id"))
        }
    }

    @Test("a device authorization is read and checked: default interval, Google's verification_url")
    func deviceAuthorization() async throws {
        let script = ScriptedAuthorizationServer.sequence([
            .json(
                #"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://as.example.com/device","verification_uri_complete":"https://as.example.com/device?user_code=WDJB-MJHT","expires_in":1800}"#
            ),
            .json(
                #"{"device_code":"dc","user_code":"ABCD","verification_url":"https://www.google.com/device","expires_in":900,"interval":7}"#
            ),
            .json(
                #"{"device_code":"dc","user_code":"ABCD","verification_uri":"javascript:alert(1)","expires_in":900}"#
            ),
            .error(400, "invalid_client"),
        ])
        try await Self.withServer(script) { oauth, server in
            func ask() async throws -> DeviceAuthorization {
                try await oauth.deviceAuthorization(
                    endpoint: server.base + "/device",
                    client: .none("c"),
                    scope: "mcp",
                    resource: Self.resource
                )
            }
            let first = try await ask()
            #expect(first.userCode == "WDJB-MJHT" && first.interval == 5 && first.expiresIn == 1800)
            #expect(first.verificationURIComplete == "https://as.example.com/device?user_code=WDJB-MJHT")
            #expect(server.requests.items[0].form == ["resource": Self.resource, "scope": "mcp", "client_id": "c"])
            let google = try await ask()
            #expect(google.verificationURI == "https://www.google.com/device" && google.interval == 7)
            await #expect(throws: BridgeError.self) { _ = try await ask() }
            let refused = await #expect(throws: BridgeError.self) { _ = try await ask() }
            #expect(refused?.description.contains("invalid_client") == true)
        }
    }

    static func device(expiresIn: Int = 600, receivedAt: Date = Date()) -> DeviceAuthorization {
        DeviceAuthorization(
            deviceCode: "dc",
            userCode: "WDJB-MJHT",
            verificationURI: "https://as.example.com/device",
            expiresIn: expiresIn,
            receivedAt: receivedAt
        )
    }

    @Test("polling waits the interval, goes on while pending, slows down by 5 s on slow_down, and returns the token")
    func polling() async throws {
        let script = ScriptedAuthorizationServer.sequence([
            .error(400, "authorization_pending"), .error(400, "slow_down"), .error(400, "authorization_pending"),
            .json(Self.token),
        ])
        let waits = NIOLockedValueBox<[Duration]>([])
        try await Self.withServer(script) { oauth, server in
            let outcome = try await oauth.pollDeviceToken(
                Self.device(),
                tokenEndpoint: server.base + "/token",
                client: .none("c"),
                resource: Self.resource,
                sleep: { duration in waits.withLockedValue { $0.append(duration) } }
            )
            guard case .token(let token) = outcome else { throw BridgeError.authorization("no token") }
            #expect(token.accessToken == "at-1")
            #expect(waits.withLockedValue { $0 } == [.seconds(5), .seconds(5), .seconds(10), .seconds(10)])
            #expect(server.requests.items.count == 4)
            #expect(
                server.requests.items[0].form == [
                    "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "dc",
                    "resource": Self.resource, "client_id": "c",
                ]
            )
        }
    }

    @Test("polling ends with a clear error on access_denied, expired_token, or the deadline")
    func pollingEnds() async throws {
        let script = ScriptedAuthorizationServer.sequence([
            .error(400, "access_denied", "the user declined"), .error(400, "expired_token"),
            .error(400, "invalid_grant", "bad device code"),
        ])
        try await Self.withServer(script) { oauth, server in
            func poll(_ authorization: DeviceAuthorization) async throws -> OAuthClient.TokenOutcome {
                try await oauth.pollDeviceToken(
                    authorization,
                    tokenEndpoint: server.base + "/token",
                    client: .none("c"),
                    resource: Self.resource,
                    sleep: { _ in }
                )
            }
            let denied = await #expect(throws: BridgeError.self) { _ = try await poll(Self.device()) }
            #expect(denied?.description.contains("access_denied: the user declined") == true)
            let expired = await #expect(throws: BridgeError.self) { _ = try await poll(Self.device()) }
            #expect(expired?.description.contains("expired") == true)
            guard case .invalidGrant("bad device code") = try await poll(Self.device()) else {
                throw BridgeError.authorization("expected invalid_grant")
            }
            let late = await #expect(throws: BridgeError.self) {
                _ = try await poll(Self.device(expiresIn: 60, receivedAt: Date().addingTimeInterval(-61)))
            }
            #expect(late?.description.contains("expired") == true)
            #expect(server.requests.items.count == 3)
        }
    }

    @Test("the account shown is read from an ID token or a JWT access token, never from anything malformed")
    func accountName() {
        func jwt(_ claims: String) -> String {
            Base64.encode(Array(#"{"alg":"none"}"#.utf8), .url) + "." + Base64.encode(Array(claims.utf8), .url) + ".sig"
        }
        #expect(
            UnverifiedClaims.displayName(of: jwt(#"{"sub":"1","email":"ada@example.com","name":"Ada"}"#))
                == "ada@example.com"
        )
        #expect(UnverifiedClaims.displayName(of: jwt(#"{"sub":"1","preferred_username":"ada"}"#)) == "ada")
        #expect(UnverifiedClaims.displayName(of: jwt(#"{"sub":"user-1","email":""}"#)) == "user-1")
        #expect(UnverifiedClaims.displayName(of: jwt(#"{"name":"Ada\n\u202ELovelace"}"#)) == "AdaLovelace")
        #expect(UnverifiedClaims.displayName(of: jwt(#"{"email":42}"#)) == nil)
        #expect(UnverifiedClaims.displayName(of: jwt("[1]")) == nil)
        #expect(UnverifiedClaims.displayName(of: "opaque-token") == nil)
        #expect(UnverifiedClaims.displayName(of: "a.b.c.d.e") == nil)
        #expect(UnverifiedClaims.displayName(of: "a.!!!.c") == nil)
        #expect(UnverifiedClaims.displayName(of: jwt(#"{"sub":"\#(String(repeating: "x", count: 20000))"}"#)) == nil)
        #expect(
            OAuthClient.accountName(idToken: jwt(#"{"email":"id@example.com"}"#), accessToken: jwt(#"{"sub":"at"}"#))
                == "id@example.com"
        )
        #expect(OAuthClient.accountName(idToken: "garbage", accessToken: jwt(#"{"sub":"at"}"#)) == "at")
    }

    @Test("the wire types read what sign-in needs: device_authorization_endpoint, id_token")
    func wire() throws {
        let metadata = try JSONDecoder().decode(
            AuthorizationServerMetadata.self,
            from: Data(#"{"issuer":"i","token_endpoint":"t","device_authorization_endpoint":"https://i/device"}"#.utf8)
        )
        #expect(metadata.deviceAuthorizationEndpoint == "https://i/device")
        let token = try JSONDecoder().decode(TokenResponse.self, from: Data(Self.token.utf8))
        #expect(token.idToken == "x.y.z")
        let encoded = String(decoding: try JSONEncoder().encode(token), as: UTF8.self)
        #expect(encoded.contains(#""id_token":"x.y.z""#))
    }
}
