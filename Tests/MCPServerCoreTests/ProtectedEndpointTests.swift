import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Logging
import MCPWire
import Testing

@testable import MCPServerCore

@Suite("/mcp behind bearer tokens")
struct ProtectedEndpointTests {
    @Test func noTokenGets401WithDiscoveryHints() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let answer = try await client.callMCP(token: nil)
            #expect(answer.status == .unauthorized)
            let challenge = try #require(answer.header("WWW-Authenticate"))
            #expect(challenge.hasPrefix("Bearer "))
            #expect(
                challenge.contains(#"resource_metadata="\#(AuthHarness.base)/.well-known/oauth-protected-resource""#)
            )
            #expect(challenge.contains(#"scope="mcp:read mcp:tools""#))
            #expect(!challenge.contains("error="))
        }
    }

    @Test func aValidTokenWorksInBothEras() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let (token, _, _) = try await client.accessToken()
            #expect(try await client.callMCP(token: token).json["result"]?["content"] != nil)
            let modern = try await client.request(
                .post,
                "/mcp",
                headers: [
                    "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                    "Authorization": "Bearer \(token)", "MCP-Protocol-Version": "2026-07-28",
                    "Mcp-Method": "tools/list",
                ],
                body:
                    #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
            )
            #expect(modern.status == .ok)
            #expect(modern.json["result"]?["resultType"] == "complete")
        }
    }

    /// Claims for a crafted token; override what a test needs.
    static func claims(
        clientID: String,
        issuer: String = AuthHarness.base,
        audience: String = AuthHarness.base + "/mcp",
        issuedAt: Date = Date(),
        lifetime: TimeInterval = 600,
        scope: String = "mcp:read mcp:tools"
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: .init(value: issuer),
            subject: .init(value: clientID),
            audience: .init(value: [audience]),
            expiration: .init(value: issuedAt.addingTimeInterval(lifetime)),
            issuedAt: .init(value: issuedAt),
            id: .init(value: UUID().uuidString),
            clientID: clientID,
            scope: scope
        )
    }

    @Test func badTokensAreInvalidToken() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let (good, clientID, _) = try await client.accessToken()
            let ring = harness.server.keyRing
            let parts = good.split(separator: ".").map(String.init)
            var tokens: [String: String] = [:]
            tokens["garbage"] = "not-a-jwt"
            tokens["empty bearer"] = ""
            // Payload changed, signature kept.
            var payload = try JSONValue(parsing: Base64.decode(parts[1], .url)!)
            if case .object(var members) = payload {
                members["scope"] = "mcp:read mcp:tools admin"
                payload = .object(members)
            }
            tokens["tampered"] = [parts[0], Base64.encode(payload.serialized(), .url), parts[2]].joined(separator: ".")
            // alg none, no signature.
            let noneHeader = Base64.encode(
                Array(#"{"alg":"none","typ":"at+jwt","kid":"\#(await ring.currentKeyID)"}"#.utf8),
                .url
            )
            tokens["alg none"] = "\(noneHeader).\(parts[1])."
            // Key confusion: HS256 "signed" with the public key's JWK text as the secret.
            let jwks = await ring.jwks.serializedString()
            let hsHeader = Base64.encode(
                Array(#"{"alg":"HS256","typ":"at+jwt","kid":"\#(await ring.currentKeyID)"}"#.utf8),
                .url
            )
            let mac = HMAC<SHA256>.authenticationCode(
                for: Array("\(hsHeader).\(parts[1])".utf8),
                using: SymmetricKey(data: Array(jwks.utf8))
            )
            tokens["key confusion"] = "\(hsHeader).\(parts[1]).\(Base64.encode(Array(mac), .url))"
            tokens["expired"] = try await ring.sign(
                Self.claims(clientID: clientID, issuedAt: Date().addingTimeInterval(-7200))
            )
            tokens["wrong audience"] = try await ring.sign(
                Self.claims(clientID: clientID, audience: "https://other.example/mcp")
            )
            tokens["wrong issuer"] = try await ring.sign(
                Self.claims(clientID: clientID, issuer: "https://evil.example")
            )
            tokens["from the future"] = try await ring.sign(
                Self.claims(clientID: clientID, issuedAt: Date().addingTimeInterval(3600))
            )
            tokens["unknown client"] = try await ring.sign(Self.claims(clientID: "mcp_ghost"))
            // Signed by another key that claims this server's kid.
            let otherRing = try await KeyRing.load(
                source: .store,
                store: InMemoryServerStore(),
                tokenLifetime: .seconds(3600),
                logger: .init(label: "x")
            )
            let foreign = try await otherRing.sign(Self.claims(clientID: clientID)).split(separator: ".").map(
                String.init
            )
            tokens["foreign signature"] = [parts[0], foreign[1], foreign[2]].joined(separator: ".")
            tokens["foreign kid"] = try await otherRing.sign(Self.claims(clientID: clientID))
            // typ other than at+jwt (an ID token, say).
            var plainHeader = JWTHeader()
            plainHeader.typ = "JWT"
            let collection = JWTKeyCollection()
            let stored = try await harness.store.signingKeys()[0]
            await collection.add(
                ecdsa: try ES256PrivateKey(pem: stored.privateKeyPEM),
                kid: JWKIdentifier(string: stored.id)
            )
            tokens["typ JWT"] = try await collection.sign(
                Self.claims(clientID: clientID),
                kid: JWKIdentifier(string: stored.id),
                header: plainHeader
            )

            for (name, token) in tokens {
                let answer = try await client.callMCP(token: token)
                #expect(answer.status == .unauthorized, "\(name)")
                #expect(answer.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true, "\(name)")
                #expect(answer.header("WWW-Authenticate")?.contains("resource_metadata=") == true, "\(name)")
            }
            #expect(try await client.callMCP(token: good).status == .ok)
            let scheme = try await client.request(
                .post,
                "/mcp",
                headers: ["Authorization": "Token \(good)"],
                body: "{}"
            )
            #expect(scheme.status == .unauthorized)
        }
    }

    @Test func scopesGateMethods() async throws {
        let harness = try await AuthHarness.make()
        try await harness.app.test(.router) { client in
            let (reader, _, _) = try await client.accessToken(scope: "mcp:read")
            #expect(try await client.callMCP("tools/list", token: reader, params: [:]).status == .ok)
            #expect(
                try await client.callMCP("resources/read", token: reader, params: ["uri": "remote-mcp://about"]).status
                    == .ok
            )
            let call = try await client.callMCP(token: reader)
            #expect(call.status == .forbidden)
            let challenge = try #require(call.header("WWW-Authenticate"))
            #expect(challenge.contains(#"error="insufficient_scope""#))
            #expect(challenge.contains(#"scope="mcp:tools""#))
            #expect(challenge.contains("resource_metadata="))
            #expect(call.json["id"] == 1)

            let (toolUser, _, _) = try await client.accessToken(scope: "mcp:tools")
            #expect(try await client.callMCP(token: toolUser).status == .ok)
            #expect(try await client.callMCP("tools/list", token: toolUser, params: [:]).status == .ok)
            #expect(try await client.callMCP("ping", token: reader, params: [:]).status == .ok)
        }
    }

    @Test func anExpiredCachedTokenIsRefused() async throws {
        let harness = try await AuthHarness.make()
        let verifier = harness.server.verifier
        try await harness.app.test(.router) { client in
            let (token, _, _) = try await client.accessToken()
            let urls = ServerURLs(base: AuthHarness.base)
            _ = try await verifier.verify(token, urls: urls)
            await #expect(throws: TokenVerifier.Rejection.self) {
                try await verifier.verify(token, urls: urls, now: Date().addingTimeInterval(7200))
            }
        }
    }
}
