import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// `POST /revoke` (RFC 7009): a client revokes its own refresh and access tokens; anything else is answered 200
/// and changes nothing.
@Suite("Revocation endpoint")
struct RevocationEndpointTests {
    @Test func revokingARefreshTokenEndsTheSignIn() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let refresh = try #require(signedIn.refreshToken)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)
            let answer = try await client.revoke(refresh, hint: "refresh_token")
            #expect(answer.status == .ok)
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(try await client.refresh(refresh).oauthError == "invalid_grant")
            // The access tokens of the family die with it, in this process at once.
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .unauthorized)
            #expect(try await rig.harness.store.grantFamily(id: signedIn.familyID)?.revokedAt != nil)
            let audit = try #require(rig.harness.logs.audits("token.revoked").first)
            #expect(audit.value("outcome") == "refresh-token")
            #expect(!rig.harness.logs.text.contains(refresh))
        }
    }

    @Test func revokingAPersonsAccessTokenRefusesItAndEndsItsFamily() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)
            // A wrong hint does not stop the lookup (RFC 7009 §2.1).
            let answer = try await client.revoke(signedIn.accessToken, hint: "refresh_token")
            #expect(answer.status == .ok)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .unauthorized)
            #expect(try await client.refresh(try #require(signedIn.refreshToken)).oauthError == "invalid_grant")
            let jti = try #require(TokenRig.claims(of: signedIn.accessToken)["jti"]?.stringValue)
            #expect(try await rig.harness.store.isClaimed(key: "revoked-jti:" + jti, now: rig.clock.now))
            #expect(rig.harness.logs.audits("token.revoked").first?.value("outcome") == "access-token")
            #expect(!rig.harness.logs.text.contains(signedIn.accessToken))
        }
    }

    @Test func revokingAClientCredentialsTokenRefusesIt() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await client.token(id: TokenRig.confidentialClient, secret: TokenRig.confidentialSecret)
            let token = try #require(issued.json["access_token"]?.stringValue)
            let other = try await client.token(id: TokenRig.confidentialClient, secret: TokenRig.confidentialSecret)
            let kept = try #require(other.json["access_token"]?.stringValue)
            #expect(try await client.callMCP(token: token).status == .ok)
            let basic = (TokenRig.confidentialClient, TokenRig.confidentialSecret)
            #expect(try await client.revoke(token, hint: "access_token", basic: basic).status == .ok)
            #expect(try await client.callMCP(token: token).status == .unauthorized)
            // Only that token: the client's others still work.
            #expect(try await client.callMCP(token: kept).status == .ok)
        }
    }

    @Test func anotherClientsTokenOrGarbageIsAnsweredOKAndChangesNothing() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            for token in [signedIn.accessToken, try #require(signedIn.refreshToken)] {
                let answer = try await client.revoke(token, clientID: TokenRig.otherClient)
                #expect(answer.status == .ok)
            }
            for garbage in ["garbage", "a.b.c", signedIn.familyID + "." + SecretToken.generate()] {
                #expect(try await client.revoke(garbage).status == .ok)
            }
            #expect(rig.harness.logs.audits("token.revoked").allSatisfy { $0.value("outcome") == "nothing" })
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)
            #expect(try await client.refresh(try #require(signedIn.refreshToken)).status == .ok)
            #expect(try await rig.harness.store.grantFamily(id: signedIn.familyID)?.revokedAt == nil)
        }
    }

    @Test func theClientMustAuthenticateAndNameAToken() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client, through: TokenRig.confidentialClient)
            // A confidential client naming only its id is not authenticated.
            let idOnly = try await client.revoke(signedIn.accessToken, clientID: TokenRig.confidentialClient)
            #expect(idOnly.status == .unauthorized)
            #expect(idOnly.oauthError == "invalid_client")
            let unknown = try await client.revoke(signedIn.accessToken, clientID: "tok-nobody")
            #expect(unknown.oauthError == "invalid_client")
            let none = try await client.form("/revoke", [("token", signedIn.accessToken)])
            #expect(none.oauthError == "invalid_client")
            #expect(!rig.harness.logs.audits("revocation.refused").isEmpty)
            let missing = try await client.revoke(
                nil,
                basic: (TokenRig.confidentialClient, TokenRig.confidentialSecret)
            )
            #expect(missing.status == .badRequest)
            #expect(missing.oauthError == "invalid_request")
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)
        }
    }

    @Test func anotherProcessRefusesARevokedTokenWithinTheRecheckInterval() async throws {
        let rig = try await TokenRig.make()
        // A second server over the same store and keys: another Lambda instance, say.
        let second = try await AuthHarness.make(
            configuration: AuthConfiguration(clientRecheckInterval: .seconds(5)),
            store: rig.harness.store,
            now: rig.clock.function
        )
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            try await second.app.test(.router) { other in
                #expect(try await other.callMCP(token: signedIn.accessToken).status == .ok)
                #expect(try await client.revoke(signedIn.accessToken).status == .ok)
                rig.clock.advance(seconds: 4)
                #expect(try await other.callMCP(token: signedIn.accessToken).status == .ok)
                rig.clock.advance(seconds: 1)
                let refused = try await other.callMCP(token: signedIn.accessToken)
                #expect(refused.status == .unauthorized)
                #expect(refused.json["error_description"] == "the token has been revoked")
            }
        }
    }
}
