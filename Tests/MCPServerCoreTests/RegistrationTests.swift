import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

@Suite("Dynamic Client Registration (RFC 7591)")
struct RegistrationTests {
    @Test(arguments: ["/dcr", "/register"])
    func registrationReturns201WithCredentialsAndEveryField(_ path: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let body = #"""
                {"client_name":"Claude Desktop","client_uri":"https://example.com","logo_uri":"https://example.com/l.png",
                 "contacts":["ops@example.com"],"software_id":"mcp-bridge","software_version":"1.2.3",
                 "application_type":"native","grant_types":["client_credentials"],"scope":"mcp:read",
                 "token_endpoint_auth_method":"client_secret_post","redirect_uris":["http://127.0.0.1:7777/cb"],
                 "something_new":{"ignored":true}}
                """#
            let answer = try await client.request(
                .post,
                path,
                headers: ["Content-Type": "application/json"],
                body: body
            )
            #expect(answer.status == .created)
            #expect(answer.headers[.cacheControl] == "no-store")
            let json = answer.json
            let id = try #require(json["client_id"]?.stringValue)
            let secret = try #require(json["client_secret"]?.stringValue)
            #expect(secret.count >= 43)  // 256 bits in base64url
            #expect(Base64.decode(secret, .url)?.count == 32)
            #expect(json["client_secret_expires_at"] == 0)
            #expect(json["client_id_issued_at"]?.numberValue != nil)
            #expect(json["registration_access_token"]?.stringValue?.count ?? 0 >= 43)
            #expect(json["registration_client_uri"] == .string("\(AuthHarness.base)/clients/\(id)"))
            for (key, value) in [
                ("client_name", "Claude Desktop"), ("client_uri", "https://example.com"), ("software_id", "mcp-bridge"),
                ("software_version", "1.2.3"), ("application_type", "native"), ("scope", "mcp:read"),
                ("token_endpoint_auth_method", "client_secret_post"),
            ] as [(String, JSONValue)] {
                #expect(json[key] == value, "\(key)")
            }
            #expect(json["contacts"] == ["ops@example.com"])
            #expect(json["grant_types"] == ["client_credentials"])
            #expect(json["redirect_uris"] == ["http://127.0.0.1:7777/cb"])
            #expect(json["something_new"] == nil)

            let stored = try #require(await harness.store.client(id: id))
            #expect(stored.secretHash.hasPrefix("sha256:"))
            #expect(!stored.secretHash.contains(secret))
            #expect(!stored.registrationTokenHash.contains(json["registration_access_token"]!.stringValue!))
            #expect(!harness.logs.text.contains(secret))
            #expect(harness.logs.audits("client.registered").first?.value("client_id") == id)
        }
    }

    @Test func defaultsAreClientCredentialsBasicAndAllScopes() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let json = try await client.register("{}").json
            #expect(json["grant_types"] == ["client_credentials"])
            #expect(json["token_endpoint_auth_method"] == "client_secret_basic")
            #expect(json["scope"] == "mcp:read mcp:tools")
        }
    }

    @Test(arguments: [
        (#"{"grant_types":["authorization_code"]}"#, "invalid_redirect_uri"),
        (#"{"grant_types":["implicit"],"redirect_uris":["https://a.example/cb"]}"#, "invalid_client_metadata"),
        (#"{"grant_types":["password"]}"#, "invalid_client_metadata"),
        (#"{"grant_types":[]}"#, "invalid_client_metadata"),
        (#"{"grant_types":"client_credentials"}"#, "invalid_client_metadata"),
        (#"{"response_types":["code"]}"#, "invalid_client_metadata"),
        (#"{"token_endpoint_auth_method":"none"}"#, "invalid_client_metadata"),
        (#"{"token_endpoint_auth_method":"private_key_jwt"}"#, "invalid_client_metadata"),
        (#"{"scope":"admin"}"#, "invalid_client_metadata"),
        (#"{"scope":"   "}"#, "invalid_client_metadata"),
        (#"{"application_type":"desktop"}"#, "invalid_client_metadata"),
        (#"{"client_name":7}"#, "invalid_client_metadata"),
        (#"{"client_uri":"javascript:alert(1)"}"#, "invalid_client_metadata"),
        (#"{"contacts":["a","b","c","d","e","f","g","h","i","j","k"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["http://evil.example/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://good.example/cb#frag"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["not a uri"]}"#, "invalid_redirect_uri"),
        (#"[1,2]"#, "invalid_client_metadata"),
        (#"{"client_name":"x""#, "invalid_client_metadata"),
    ])
    func badMetadataIsRefusedAndNothingIsStored(_ body: String, _ error: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.register(body)
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == error)
            #expect(answer.json["error_description"]?.stringValue?.isEmpty == false)
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(try await harness.store.listClients().isEmpty)
        }
    }

    @Test func oversizedFieldsWrongContentTypeAndHugeBodiesAreRefused() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let longName = try await client.register(#"{"client_name":"\#(String(repeating: "n", count: 201))"}"#)
            #expect(longName.oauthError == "invalid_client_metadata")
            let longURI = try await client.register(
                #"{"client_uri":"https://x.example/\#(String(repeating: "p", count: 2000))"}"#
            )
            #expect(longURI.oauthError == "invalid_client_metadata")
            let form = try await client.request(
                .post,
                "/dcr",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "client_name=x"
            )
            #expect(form.status == .badRequest)
            #expect(form.oauthError == "invalid_client_metadata")
            let huge = try await client.register(
                #"{"client_name":"x","pad":"\#(String(repeating: "a", count: 70_000))"}"#
            )
            #expect(huge.status == .contentTooLarge)
            #expect(try await harness.store.listClients().isEmpty)
        }
    }

    @Test func tokenPolicyNeedsTheInitialAccessToken() async throws {
        let configuration = AuthConfiguration(
            registration: .token,
            initialAccessTokenHash: SecretToken.hash("operator-initial-token")
        )
        let harness = try await AuthHarness.make(configuration: configuration)
        try await harness.app.test(.router) { client in
            let missing = try await client.register()
            #expect(missing.status == .unauthorized)
            #expect(missing.header("WWW-Authenticate")?.contains("invalid_token") == true)
            let wrong = try await client.register(headers: ["Authorization": "Bearer not-it"])
            #expect(wrong.status == .unauthorized)
            let right = try await client.register(headers: ["Authorization": "Bearer operator-initial-token"])
            #expect(right.status == .created)
            #expect(try await harness.store.listClients().count == 1)
            let metadata = try await client.request(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.json["registration_endpoint"] == .string("\(AuthHarness.base)/dcr"))
        }
    }

    @Test func closedPolicyRefusesAndStopsAdvertising() async throws {
        let harness = try await AuthHarness.make(
            configuration: AuthConfiguration(registration: .closed, signInRegistration: .closed)
        )
        try await harness.app.test(.router) { client in
            let answer = try await client.register()
            #expect(answer.status == .forbidden)
            let host = try await client.register(Self.signInClient)
            #expect(host.status == .forbidden)
            #expect(try await harness.store.listClients().isEmpty)
            let metadata = try await client.request(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.json["registration_endpoint"] == nil)
        }
    }

    /// An MCP host's registration: it can get tokens only for a person who signs in.
    static let signInClient = #"""
        {"client_name":"a host","token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],
         "redirect_uris":["http://127.0.0.1/callback"]}
        """#

    /// Closed registration of machine clients still lets hosts that sign people in register, and the reverse: a
    /// client_credentials token calls tools with nobody signed in, so an open sign-in registration must not hand
    /// one out.
    @Test func machineClientsAndSignInClientsHaveTheirOwnPolicies() async throws {
        let harness = try await AuthHarness.make(
            configuration: AuthConfiguration(registration: .closed, signInRegistration: .open)
        )
        try await harness.app.test(.router) { client in
            let machine = try await client.register(#"{"client_name":"robot","grant_types":["client_credentials"]}"#)
            #expect(machine.status == .forbidden)
            #expect(machine.json["error_description"]?.stringValue?.contains("client_credentials") == true)
            let mixed = try await client.register(
                #"{"grant_types":["authorization_code","client_credentials"],"redirect_uris":["https://a.example/cb"]}"#
            )
            #expect(mixed.status == .forbidden)
            let host = try await client.register(Self.signInClient)
            #expect(host.status == .created, "\(host.body)")
            #expect(try await harness.store.listClients().count == 1)
            let metadata = try await client.request(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.json["registration_endpoint"] == .string("\(AuthHarness.base)/dcr"))
        }
        let tokenGated = try await AuthHarness.make(
            configuration: AuthConfiguration(
                registration: .open,
                signInRegistration: .token,
                initialAccessTokenHash: SecretToken.hash("operator-initial-token")
            )
        )
        try await tokenGated.app.test(.router) { client in
            let without = try await client.register(Self.signInClient)
            #expect(without.status == .unauthorized)
            let with = try await client.register(
                Self.signInClient,
                headers: ["Authorization": "Bearer operator-initial-token"]
            )
            #expect(with.status == .created)
        }
    }

    @Test func registrationsAreRateLimitedPerIP() async throws {
        // The limit counts per clock minute: a run that straddles a minute boundary starts a fresh count
        // half-way, so that run is not evidence either way and is done again.
        for attempt in 1...3 {
            let minute = Int(Date().timeIntervalSince1970 / 60)
            let harness = try await AuthHarness.make(configuration: AuthConfiguration(registrationsPerMinutePerIP: 3))
            let (statuses, retryAfter, stored) = try await harness.app.test(.router) { client in
                var statuses: [HTTPResponse.Status] = []
                var retryAfter = 0
                for _ in 0..<4 {
                    let answer = try await client.register()
                    statuses.append(answer.status)
                    retryAfter = Int(answer.header("Retry-After") ?? "") ?? 0
                }
                return (statuses, retryAfter, try await harness.store.listClients().count)
            }
            if Int(Date().timeIntervalSince1970 / 60) != minute, attempt < 3 { continue }
            #expect(statuses == [.created, .created, .created, .tooManyRequests])
            #expect(retryAfter >= 1)
            #expect(stored == 3)
            return
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func twoHundredParallelRegistrationsGiveTwoHundredWorkingClients() async throws {
        let harness = try await AuthHarness.make(
            configuration: AuthConfiguration(registrationsPerMinutePerIP: 1000, tokenFailuresPerMinutePerIP: 1000)
        )
        try await harness.app.test(.router) { client in
            let clients = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        let registered = try await client.registeredClient()
                        return (registered.id, registered.secret)
                    }
                }
                return try await group.reduce(into: [(String, String)]()) { $0.append($1) }
            }
            #expect(Set(clients.map(\.0)).count == 200)
            #expect(try await harness.store.listClients().count == 200)
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for (id, secret) in clients {
                    group.addTask { try await client.token(id: id, secret: secret).status == .ok }
                }
                for try await ok in group { #expect(ok) }
            }
        }
    }
}

@Suite("Client management (RFC 7592)")
struct ClientManagementTests {
    @Test func readReturnsMetadataWithoutTheSecret() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient(#"{"client_name":"reader"}"#)
            let answer = try await client.request(
                .get,
                "/clients/\(registered.id)",
                headers: ["Authorization": "Bearer \(registered.rat)"]
            )
            #expect(answer.status == .ok)
            #expect(answer.json["client_id"] == .string(registered.id))
            #expect(answer.json["client_name"] == "reader")
            #expect(answer.json["client_secret"] == nil)
            #expect(answer.json["registration_access_token"] == .string(registered.rat))
            #expect(answer.headers[.cacheControl] == "no-store")
        }
    }

    @Test func everyAuthenticationFailureIsTheSame401() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let first = try await client.registeredClient()
            let second = try await client.registeredClient()
            let attempts: [(String, [String: String])] = [
                ("/clients/\(first.id)", [:]),
                ("/clients/\(first.id)", ["Authorization": "Bearer wrong"]),
                ("/clients/\(first.id)", ["Authorization": "Bearer \(second.rat)"]),
                ("/clients/\(first.id)", ["Authorization": "Basic \(first.rat)"]),
                ("/clients/mcp_doesnotexist", ["Authorization": "Bearer \(first.rat)"]),
            ]
            var bodies: Set<String> = []
            for (path, headers) in attempts {
                for method in [HTTPRequest.Method.get, .delete] {
                    let answer = try await client.request(method, path, headers: headers)
                    #expect(answer.status == .unauthorized)
                    #expect(answer.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
                    bodies.insert(answer.body)
                }
            }
            #expect(bodies.count == 1, "responses must not reveal whether a client exists")
            #expect(try await harness.store.listClients().count == 2)
        }
    }

    @Test func putReplacesTheWholeMetadata() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient(
                #"{"client_name":"old","client_uri":"https://old.example"}"#
            )
            let auth = ["Authorization": "Bearer \(registered.rat)", "Content-Type": "application/json"]
            let answer = try await client.request(
                .put,
                "/clients/\(registered.id)",
                headers: auth,
                body: #"{"client_id":"\#(registered.id)","client_name":"new","scope":"mcp:read"}"#
            )
            #expect(answer.status == .ok)
            #expect(answer.json["client_name"] == "new")
            #expect(answer.json["client_uri"] == nil)
            #expect(answer.json["scope"] == "mcp:read")
            let read = try await client.request(.get, "/clients/\(registered.id)", headers: auth)
            #expect(read.json["client_name"] == "new")
            // The secret still works, now limited to the new scope.
            let token = try await client.token(id: registered.id, secret: registered.secret)
            #expect(token.json["scope"] == "mcp:read")
            #expect(harness.logs.audits("client.updated").first?.value("client_id") == registered.id)
        }
    }

    @Test(arguments: [
        #"{"client_name":"x"}"#,
        #"{"client_id":"someone-else","client_name":"x"}"#,
        #"{"client_id":"ID","registration_access_token":"x"}"#,
        #"{"client_id":"ID","client_id_issued_at":1}"#,
        #"{"client_id":"ID","client_secret":"not-the-secret"}"#,
        #"{"client_id":"ID","grant_types":["password"]}"#,
        #"{"client_id":"ID","client_name":"#,
    ])
    func badUpdatesAreRefusedAndChangeNothing(_ template: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient(#"{"client_name":"keep"}"#)
            let before = try await harness.store.client(id: registered.id)
            let answer = try await client.request(
                .put,
                "/clients/\(registered.id)",
                headers: ["Authorization": "Bearer \(registered.rat)", "Content-Type": "application/json"],
                body: template.replacingOccurrences(of: "\"ID\"", with: "\"\(registered.id)\"")
            )
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "invalid_client_metadata")
            #expect(try await harness.store.client(id: registered.id) == before)
        }
    }

    @Test func deleteStopsTheClientAndEveryTokenAtOnce() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            let token = try #require(
                try await client.token(id: registered.id, secret: registered.secret).json["access_token"]?.stringValue
            )
            #expect(try await client.callMCP(token: token).status == .ok)

            let deleted = try await client.request(
                .delete,
                "/clients/\(registered.id)",
                headers: ["Authorization": "Bearer \(registered.rat)"]
            )
            #expect(deleted.status == .noContent)
            #expect(try await harness.store.client(id: registered.id) == nil)

            let mcp = try await client.callMCP(token: token)
            #expect(mcp.status == .unauthorized)
            #expect(mcp.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
            let again = try await client.token(id: registered.id, secret: registered.secret)
            #expect(again.status == .unauthorized)
            #expect(again.oauthError == "invalid_client")
            let read = try await client.request(
                .get,
                "/clients/\(registered.id)",
                headers: ["Authorization": "Bearer \(registered.rat)"]
            )
            #expect(read.status == .unauthorized)
            #expect(harness.logs.audits("client.deleted").first?.value("client_id") == registered.id)
        }
    }
}
