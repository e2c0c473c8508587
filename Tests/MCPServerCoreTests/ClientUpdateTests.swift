import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// RFC 7592 `PUT /clients/{id}` cannot widen what a client was granted.
@Suite("Client updates never widen a grant")
struct ClientUpdateTests {
    /// A client the operator made with `clients add --scope mcp:read`.
    static func operatorClient(_ harness: AuthHarness) async throws -> ClientInformation {
        try await harness.server.registry.register(
            [
                "client_name": "reader", "grant_types": ["client_credentials"], "scope": "mcp:read",
                "token_endpoint_auth_method": "client_secret_post",
            ],
            urls: ServerURLs(base: AuthHarness.base)
        )
    }

    static func put(
        _ client: some TestClientProtocol,
        _ info: ClientInformation,
        _ body: String
    ) async throws -> HTTPAnswer {
        try await client.request(
            .put,
            "/clients/\(info.clientID)",
            headers: ["Authorization": "Bearer \(info.registrationAccessToken!)", "Content-Type": "application/json"],
            body: body.replacingOccurrences(of: "ID", with: info.clientID)
        )
    }

    @Test(arguments: [
        #"{"client_id":"ID","scope":"mcp:tools"}"#,
        #"{"client_id":"ID","scope":"mcp:read mcp:tools"}"#,
        #"{"client_id":"ID","token_endpoint_auth_method":"client_secret_basic"}"#,
        #"{"client_id":"ID","grant_types":["client_credentials","authorization_code"],"redirect_uris":["https://x.example/cb"]}"#,
    ])
    func anUpdateThatWidensIsRefusedAndChangesNothing(_ body: String) async throws {
        let harness = try await AuthHarness.make()
        let info = try await Self.operatorClient(harness)
        let before = try await harness.store.client(id: info.clientID)
        try await harness.app.test(.router) { client in
            let answer = try await Self.put(client, info, body)
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "invalid_client_metadata")
        }
        #expect(try await harness.store.client(id: info.clientID) == before)
    }

    @Test func omittedFieldsKeepWhatWasGrantedAndNarrowingWorks() async throws {
        let harness = try await AuthHarness.make()
        let info = try await Self.operatorClient(harness)
        try await harness.app.test(.router) { client in
            let renamed = try await Self.put(client, info, #"{"client_id":"ID","client_name":"renamed"}"#)
            #expect(renamed.status == .ok)
            #expect(renamed.json["scope"] == "mcp:read")
            #expect(renamed.json["token_endpoint_auth_method"] == "client_secret_post")
            #expect(renamed.json["grant_types"] == ["client_credentials"])
            let stored = try ClientRegistry.metadata(
                of: try #require(try await harness.store.client(id: info.clientID))
            )
            #expect(stored.scope == "mcp:read")
            #expect(stored.clientName == "renamed")
            // The same values again are fine.
            let same = try await Self.put(
                client,
                info,
                #"{"client_id":"ID","scope":"mcp:read","token_endpoint_auth_method":"client_secret_post","grant_types":["client_credentials"]}"#
            )
            #expect(same.status == .ok)
        }
        // A self-registered client (all scopes) can narrow itself, then cannot widen back.
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient()
            let auth = ["Authorization": "Bearer \(registered.rat)", "Content-Type": "application/json"]
            let narrow = try await client.request(
                .put,
                "/clients/\(registered.id)",
                headers: auth,
                body: #"{"client_id":"\#(registered.id)","scope":"mcp:read"}"#
            )
            #expect(narrow.json["scope"] == "mcp:read")
            let widen = try await client.request(
                .put,
                "/clients/\(registered.id)",
                headers: auth,
                body: #"{"client_id":"\#(registered.id)","scope":"mcp:read mcp:tools"}"#
            )
            #expect(widen.oauthError == "invalid_client_metadata")
        }
    }

    @Test(arguments: ["", String(repeating: "a", count: 3000), "mcp_ bad", "%00"])
    func malformedClientIDsAreUnknownClientsNotErrors(_ id: String) async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let token = try await client.request(
                .post,
                "/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body:
                    "grant_type=client_credentials&client_id=\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&client_secret=x"
            )
            #expect(token.status == .unauthorized)
            #expect(token.oauthError == "invalid_client")
        }
        #expect(!ClientRegistry.isWellFormed(id: id))
        #expect(try await harness.server.registry.authenticate(id: id, secret: "x") == nil)
        #expect(try await harness.server.registry.authenticate(id: id, registrationToken: "x") == nil)
    }

    @Test func boundTokensCannotBeTurnedOffByAnUpdate() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let registered = try await client.registeredClient(#"{"tls_client_certificate_bound_access_tokens":true}"#)
            let auth = ["Authorization": "Bearer \(registered.rat)", "Content-Type": "application/json"]
            let off = try await client.request(
                .put,
                "/clients/\(registered.id)",
                headers: auth,
                body: #"{"client_id":"\#(registered.id)","tls_client_certificate_bound_access_tokens":false}"#
            )
            #expect(off.oauthError == "invalid_client_metadata")
            let omitted = try await client.request(
                .put,
                "/clients/\(registered.id)",
                headers: auth,
                body: #"{"client_id":"\#(registered.id)","client_name":"renamed"}"#
            )
            #expect(omitted.status == .ok)
            #expect(omitted.json["tls_client_certificate_bound_access_tokens"] == true)
        }
    }
}
