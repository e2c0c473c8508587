import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// `private_key_jwt` at `/token` and `/revoke`: the client signs an assertion with a key it registered; each
/// assertion is good for one request.
@Suite("Token endpoint: private_key_jwt")
struct TokenClientAssertionTests {
    static let client = "tok-jwt"

    static func rig() async throws -> (TokenRig, TestJWTSigner) {
        let rig = try await TokenRig.make()
        let signer = try await TestJWTSigner.es256()
        let metadata: JSONValue = [
            "client_name": "jwt client", "redirect_uris": [.string(TokenRig.redirectURI)],
            "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
            "token_endpoint_auth_method": "private_key_jwt", "jwks": signer.jwks, "scope": "mcp:read mcp:tools",
        ]
        try await rig.harness.store.insertClient(
            StoredClient(
                id: Self.client,
                secretHash: "",
                registrationTokenHash: SecretToken.hash(SecretToken.generate()),
                metadata: metadata,
                createdAt: rig.clock.now,
                updatedAt: rig.clock.now
            )
        )
        return (rig, signer)
    }

    static func assertion(
        _ signer: TestJWTSigner,
        now: Date,
        audience: JSONValue = .string(AuthHarness.base)
    )
        async throws -> String
    {
        try await signer.sign([
            "iss": .string(Self.client), "sub": .string(Self.client), "aud": audience,
            "exp": .number(JSONNumber(Int(now.timeIntervalSince1970) + 60)),
            "jti": .string(SecretToken.generate(byteCount: 16)),
        ])
    }

    static func credentials(_ assertion: String?) -> [(String, String?)] {
        [("client_assertion_type", ClientAssertionVerifier.assertionType), ("client_assertion", assertion)]
    }

    @Test func anAssertionAuthenticatesTheCodeExchangeOnce() async throws {
        let (rig, signer) = try await Self.rig()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(client: Self.client)
            let assertion = try await Self.assertion(signer, now: rig.clock.now)
            // No client_id: the assertion's sub names the client (RFC 7523 §3).
            let answer = try await client.form(
                "/token",
                [
                    ("grant_type", "authorization_code"), ("code", issued.code), ("redirect_uri", TokenRig.redirectURI),
                    ("code_verifier", TokenRig.verifier),
                ] + Self.credentials(assertion)
            )
            #expect(answer.status == .ok, "\(answer.body)")
            #expect(
                TokenRig.claims(of: answer.json["access_token"]?.stringValue ?? "")["client_id"] == .string(Self.client)
            )
            // The same assertion again (a replay) authenticates nothing.
            let replay = try await client.form(
                "/token",
                [("grant_type", "client_credentials")] + Self.credentials(assertion)
            )
            #expect(replay.status == .unauthorized)
            #expect(replay.oauthError == "invalid_client")
            let fresh = try await Self.assertion(signer, now: rig.clock.now)
            let own = try await client.form("/token", [("grant_type", "client_credentials")] + Self.credentials(fresh))
            #expect(own.status == .ok)
            #expect(!rig.harness.logs.text.contains(assertion))
        }
    }

    @Test func aClientRegisteredForAssertionsCannotUseAnotherMethodNorBeImpersonated() async throws {
        let (rig, signer) = try await Self.rig()
        let stranger = try await TestJWTSigner.es256()
        try await rig.harness.app.test(.router) { client in
            let idOnly = try await client.form(
                "/token",
                [("grant_type", "client_credentials"), ("client_id", Self.client)]
            )
            #expect(idOnly.oauthError == "invalid_client")
            let forged = try await Self.assertion(stranger, now: rig.clock.now)
            let impostor = try await client.form(
                "/token",
                [("grant_type", "client_credentials")] + Self.credentials(forged)
            )
            #expect(impostor.oauthError == "invalid_client")
            // Another server, this server's token endpoint, or an array (even of the issuer alone): aud must be this
            // server's issuer as one string (draft-ietf-oauth-rfc7523bis).
            for audience: JSONValue in [
                "https://other.example/token", .string(AuthHarness.base + "/token"), [.string(AuthHarness.base)],
            ] {
                let elsewhere = try await Self.assertion(signer, now: rig.clock.now, audience: audience)
                let wrongAudience = try await client.form(
                    "/token",
                    [("grant_type", "client_credentials")] + Self.credentials(elsewhere)
                )
                #expect(wrongAudience.oauthError == "invalid_client", "\(audience)")
                #expect(wrongAudience.json["error_description"]?.stringValue?.contains("aud") == true)
            }
            // A public client cannot pass an assertion off as its authentication either.
            let asPublic = try await client.form(
                "/token",
                [("grant_type", "client_credentials"), ("client_id", TokenRig.publicClient)]
                    + Self.credentials(try await Self.assertion(signer, now: rig.clock.now))
            )
            #expect(asPublic.oauthError == "invalid_client")
        }
    }

    @Test func oneMethodPerRequestAndTheRightAssertionType() async throws {
        let (rig, signer) = try await Self.rig()
        try await rig.harness.app.test(.router) { client in
            let assertion = try await Self.assertion(signer, now: rig.clock.now)
            let both = try await client.form(
                "/token",
                [("grant_type", "client_credentials"), ("client_secret", "x")] + Self.credentials(assertion)
            )
            #expect(both.oauthError == "invalid_request")
            let wrongType = try await client.form(
                "/token",
                [
                    ("grant_type", "client_credentials"), ("client_assertion_type", "urn:other"),
                    ("client_assertion", assertion),
                ]
            )
            #expect(wrongType.oauthError == "invalid_request")
        }
    }

    @Test func revocationAcceptsAnAssertion() async throws {
        let (rig, signer) = try await Self.rig()
        try await rig.harness.app.test(.router) { client in
            let issued = try await client.form(
                "/token",
                [("grant_type", "client_credentials")]
                    + Self.credentials(try await Self.assertion(signer, now: rig.clock.now))
            )
            let token = try #require(issued.json["access_token"]?.stringValue)
            let revoked = try await client.form(
                "/revoke",
                [("token", token)] + Self.credentials(try await Self.assertion(signer, now: rig.clock.now))
            )
            #expect(revoked.status == .ok)
            #expect(try await client.callMCP(token: token).status == .unauthorized)
        }
    }
}
