import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// `grant_type=authorization_code`: the code is single-use and bound to its client, redirect URI, PKCE verifier and
/// resource; a reused code revokes what the first exchange issued.
@Suite("Token endpoint: authorization code")
struct TokenAuthorizationCodeTests {
    @Test func anExchangeIssuesAPersonsTokenAndARefreshToken() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(scope: "mcp:tools")
            let answer = try await client.exchange(issued.code)
            #expect(answer.status == .ok)
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(answer.json["token_type"] == "Bearer")
            #expect(answer.json["scope"] == "mcp:tools")
            #expect(answer.json["expires_in"] == 3600)
            let access = try #require(answer.json["access_token"]?.stringValue)
            let refresh = try #require(answer.json["refresh_token"]?.stringValue)
            #expect(refresh.hasPrefix(issued.familyID + "."))
            #expect(refresh.utf8.count >= issued.familyID.utf8.count + 1 + 43)

            let claims = TokenRig.claims(of: access)
            #expect(claims["sub"] == .string(TokenRig.alice))
            #expect(claims["client_id"] == .string(TokenRig.publicClient))
            #expect(claims["sid"] == .string(issued.familyID))
            #expect(claims["aud"] == .string(TokenRig.resource) || claims["aud"] == [.string(TokenRig.resource)])
            #expect(claims["iss"] == .string(AuthHarness.base))
            let authTime = rig.clock.now.addingTimeInterval(-30).timeIntervalSince1970.rounded(.down)
            #expect(claims["auth_time"]?.numberValue?.int64Value == Int64(authTime))

            // Only hashes are stored; the family carries the person, client and scope.
            let family = try #require(try await rig.harness.store.grantFamily(id: issued.familyID))
            #expect(family.personID == TokenRig.alice)
            #expect(family.clientID == TokenRig.publicClient)
            #expect(family.currentTokenHash == SecretToken.hash(refresh))
            #expect(family.absoluteExpiresAt == rig.clock.now.addingTimeInterval(90 * 86_400))

            // The token works at /mcp.
            #expect(try await client.callMCP(token: access).status == .ok)
            let text = rig.harness.logs.text
            for secret in [issued.code, access, refresh, TokenRig.verifier] { #expect(!text.contains(secret)) }
            let audit = try #require(rig.harness.logs.audits("token.issued").first)
            #expect(audit.value("client_id") == TokenRig.publicClient)
            #expect(audit.value("detail")?.contains("person=\(TokenRig.alice)") == true)
        }
    }

    @Test func aClientWithoutTheRefreshGrantGetsNoRefreshToken() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(client: TokenRig.noRefreshClient)
            let answer = try await client.exchange(issued.code, clientID: TokenRig.noRefreshClient)
            #expect(answer.status == .ok)
            #expect(answer.json["refresh_token"] == nil)
            #expect(try await rig.harness.store.grantFamily(id: issued.familyID)?.currentTokenHash == nil)
        }
    }

    @Test(arguments: [
        (TokenRig.verifier + "x", "invalid_grant"),
        (String(repeating: "z", count: 50), "invalid_grant"),
        ("short", "invalid_grant"),
    ])
    func aWrongVerifierIsInvalidGrantAndBurnsTheCode(_ verifier: String, _ error: String) async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            let wrong = try await client.exchange(issued.code, verifier: verifier)
            #expect(wrong.status == .badRequest)
            #expect(wrong.oauthError == error)
            #expect(wrong.json["access_token"] == nil)
            // The code was spent by the attempt: a guessed verifier gets one try.
            #expect(try await client.exchange(issued.code).oauthError == "invalid_grant")
            #expect(!rig.harness.logs.audits("token.refused").isEmpty)
        }
    }

    @Test func aMissingVerifierOrRedirectURIIsInvalidRequestAndLeavesTheCode() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            let noVerifier = try await client.exchange(issued.code, verifier: nil)
            #expect(noVerifier.status == .badRequest)
            #expect(noVerifier.oauthError == "invalid_request")
            let noRedirect = try await client.exchange(issued.code, redirectURI: nil)
            #expect(noRedirect.oauthError == "invalid_request")
            #expect(try await client.exchange(issued.code).status == .ok)
        }
    }

    @Test(arguments: [
        "http://127.0.0.1:53683/callback", "http://127.0.0.1:53682/callback/", "http://localhost:53682/callback",
        "http://127.0.0.1:53682/callback?x=1",
    ])
    func aRedirectURIThatIsNotExactlyTheCodesIsInvalidGrant(_ redirectURI: String) async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            let answer = try await client.exchange(issued.code, redirectURI: redirectURI)
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "invalid_grant")
            #expect(try await rig.harness.store.grantFamily(id: issued.familyID) == nil)
        }
    }

    @Test func anotherClientsCodeIsUnknownAndStaysRedeemable() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(client: TokenRig.publicClient)
            let stolen = try await client.exchange(issued.code, clientID: TokenRig.otherClient)
            #expect(stolen.oauthError == "invalid_grant")
            #expect(try await client.exchange(issued.code, clientID: TokenRig.publicClient).status == .ok)
        }
    }

    @Test func anExpiredCodeIsInvalidGrant() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            rig.clock.advance(seconds: 61)
            #expect(try await client.exchange(issued.code).oauthError == "invalid_grant")
        }
    }

    @Test func aReusedCodeRevokesEverythingTheFirstExchangeIssued() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            let first = try await client.exchange(issued.code)
            let access = try #require(first.json["access_token"]?.stringValue)
            let refresh = try #require(first.json["refresh_token"]?.stringValue)
            #expect(try await client.callMCP(token: access).status == .ok)

            let second = try await client.exchange(issued.code)
            #expect(second.status == .badRequest)
            #expect(second.oauthError == "invalid_grant")
            #expect(second.json["access_token"] == nil)
            let family = try #require(try await rig.harness.store.grantFamily(id: issued.familyID))
            #expect(family.revokedAt != nil)
            #expect(family.revocationReason == "code-reuse")
            #expect(rig.harness.logs.audits("code.reused").first?.value("outcome") == "family-revoked")

            // The refresh token and the access token of the first exchange are dead, at once.
            #expect(try await client.refresh(refresh).oauthError == "invalid_grant")
            let mcp = try await client.callMCP(token: access)
            #expect(mcp.status == .unauthorized)
            #expect(mcp.header("WWW-Authenticate")?.contains("invalid_token") == true)
        }
    }

    @Test func resourceMustBeTheCodes() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let wrong = try await rig.issueCode()
            let answer = try await client.exchange(
                wrong.code,
                extra: [("resource", "https://elsewhere.example/mcp")]
            )
            #expect(answer.oauthError == "invalid_target")
            let right = try await rig.issueCode()
            #expect(try await client.exchange(right.code, extra: [("resource", TokenRig.resource)]).status == .ok)
            // A code issued for another resource (another deployment's URL) yields nothing here.
            let foreign = try await rig.issueCode(resource: "https://other.example/mcp")
            #expect(try await client.exchange(foreign.code).oauthError == "invalid_grant")
        }
    }

    @Test func aPersonDeletedBeforeTheExchangeGetsNothing() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(person: TokenRig.bob)
            #expect(try await rig.harness.store.deletePerson(id: TokenRig.bob))
            #expect(try await client.exchange(issued.code).oauthError == "invalid_grant")
            #expect(try await rig.harness.store.grantFamily(id: issued.familyID) == nil)
        }
    }

    @Test func aConfidentialClientMustAuthenticateWithItsRegisteredMethod() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(client: TokenRig.confidentialClient)
            // Only client_id: a confidential client cannot pass as a public one.
            let idOnly = try await client.exchange(issued.code, clientID: TokenRig.confidentialClient)
            #expect(idOnly.status == .unauthorized)
            #expect(idOnly.oauthError == "invalid_client")
            let wrong = try await client.exchange(issued.code, basic: (TokenRig.confidentialClient, "wrong"))
            #expect(wrong.oauthError == "invalid_client")
            // client_secret_post is not its method.
            let post = try await client.exchange(
                issued.code,
                clientID: TokenRig.confidentialClient,
                extra: [("client_secret", TokenRig.confidentialSecret)]
            )
            #expect(post.oauthError == "invalid_client")
            // Failed authentication did not touch the code.
            let right = try await client.exchange(
                issued.code,
                basic: (TokenRig.confidentialClient, TokenRig.confidentialSecret)
            )
            #expect(right.status == .ok)
            #expect(
                TokenRig.claims(of: right.json["access_token"]?.stringValue ?? "")["sub"] == .string(TokenRig.alice)
            )
        }
    }

    @Test func aPublicClientCannotUseClientCredentials() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let answer = try await client.form(
                "/token",
                [("grant_type", "client_credentials"), ("client_id", TokenRig.publicClient)]
            )
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "unauthorized_client")
            // Nor can a public client send a secret it does not have.
            let withSecret = try await client.form(
                "/token",
                [("grant_type", "client_credentials"), ("client_id", TokenRig.publicClient), ("client_secret", "")]
            )
            #expect(withSecret.oauthError == "invalid_client")
        }
    }

    @Test func theConfidentialClientsOwnTokenKeepsTheClientAsSubject() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let answer = try await client.token(id: TokenRig.confidentialClient, secret: TokenRig.confidentialSecret)
            #expect(answer.status == .ok)
            let claims = TokenRig.claims(of: answer.json["access_token"]?.stringValue ?? "")
            #expect(claims["sub"] == .string(TokenRig.confidentialClient))
            #expect(claims["sid"] == nil)
            #expect(claims["auth_time"] == nil)
        }
    }

    @Test func aClientNotRegisteredForTheCodeGrantIsUnauthorized() async throws {
        let rig = try await TokenRig.make()
        try await rig.addClient(
            "tok-machine",
            method: "client_secret_basic",
            grants: ["client_credentials"],
            secret: "s"
        )
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode(client: "tok-machine")
            let answer = try await client.exchange(issued.code, basic: ("tok-machine", "s"))
            #expect(answer.oauthError == "unauthorized_client")
        }
    }

    @Test func tokenRequestsAreLimitedPerClientAndPerson() async throws {
        // The clock is fixed, so every request falls in one window.
        let rig = try await TokenRig.make(tokenRequestsPerMinutePerClient: 2)
        try await rig.harness.app.test(.router) { client in
            for expected in [HTTPResponse.Status.ok, .ok, .tooManyRequests] {
                let issued = try await rig.issueCode(person: TokenRig.alice)
                #expect(try await client.exchange(issued.code).status == expected)
            }
            // Bob uses the same public client; Alice's requests do not count against him.
            let bob = try await rig.issueCode(person: TokenRig.bob)
            #expect(try await client.exchange(bob.code).status == .ok)
        }
    }
}
