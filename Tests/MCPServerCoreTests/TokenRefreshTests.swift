import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// `grant_type=refresh_token`: rotation on every use, reuse revokes the family, scopes narrow but never widen, idle
/// and absolute lifetimes, and nothing for a deleted person or client.
@Suite("Token endpoint: refresh token")
struct TokenRefreshTests {
    @Test func eachRefreshRotatesTheToken() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let first = try #require(signedIn.refreshToken)
            rig.clock.advance(seconds: 60)
            let answer = try await client.refresh(first)
            #expect(answer.status == .ok)
            #expect(answer.headers[.cacheControl] == "no-store")
            let second = try #require(answer.json["refresh_token"]?.stringValue)
            #expect(second != first)
            #expect(second.hasPrefix(signedIn.familyID + "."))
            let access = try #require(answer.json["access_token"]?.stringValue)
            let claims = TokenRig.claims(of: access)
            #expect(claims["sub"] == .string(TokenRig.alice))
            #expect(claims["sid"] == .string(signedIn.familyID))
            #expect(claims["scope"] == "mcp:read mcp:tools")
            #expect(try await client.callMCP(token: access).status == .ok)

            let family = try #require(try await rig.harness.store.grantFamily(id: signedIn.familyID))
            #expect(family.generation == 1)
            #expect(family.currentTokenHash == SecretToken.hash(second))
            #expect(family.idleExpiresAt == rig.clock.now.addingTimeInterval(14 * 86_400))
            #expect(try await client.refresh(second).status == .ok)
            #expect(!rig.harness.logs.text.contains(first))
            #expect(!rig.harness.logs.text.contains(second))
        }
    }

    @Test func aSpentRefreshTokenRevokesTheWholeFamily() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let first = try #require(signedIn.refreshToken)
            let rotated = try await client.refresh(first)
            let second = try #require(rotated.json["refresh_token"]?.stringValue)
            let access = try #require(rotated.json["access_token"]?.stringValue)
            #expect(try await client.callMCP(token: access).status == .ok)

            // The old token again: a thief or a replay. Everything of the family dies.
            let replay = try await client.refresh(first)
            #expect(replay.status == .badRequest)
            #expect(replay.oauthError == "invalid_grant")
            #expect(rig.harness.logs.audits("refresh.reused").first?.value("outcome") == "family-revoked")
            #expect(try await client.refresh(second).oauthError == "invalid_grant")
            #expect(try await client.callMCP(token: access).status == .unauthorized)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .unauthorized)
            let family = try #require(try await rig.harness.store.grantFamily(id: signedIn.familyID))
            #expect(family.revocationReason == "refresh-token-reuse")
        }
    }

    @Test func scopeMayNarrowButNeverWiden() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client, scope: "mcp:read")
            let token = try #require(signedIn.refreshToken)
            // Refused before the token is spent: the client keeps its refresh token.
            let widened = try await client.refresh(token, scope: "mcp:read mcp:tools")
            #expect(widened.status == .badRequest)
            #expect(widened.oauthError == "invalid_scope")
            let empty = try await client.refresh(token, scope: "")
            #expect(empty.oauthError == "invalid_scope")
            let same = try await client.refresh(token, scope: "mcp:read")
            #expect(same.status == .ok)
            #expect(same.json["scope"] == "mcp:read")

            let broad = try await rig.signIn(client, scope: "mcp:read mcp:tools")
            let narrowed = try await client.refresh(try #require(broad.refreshToken), scope: "mcp:read")
            #expect(narrowed.json["scope"] == "mcp:read")
            #expect(TokenRig.claims(of: narrowed.json["access_token"]?.stringValue ?? "")["scope"] == "mcp:read")
            // The family keeps what was granted: the next refresh may ask for all of it again.
            let again = try await client.refresh(try #require(narrowed.json["refresh_token"]?.stringValue))
            #expect(again.json["scope"] == "mcp:read mcp:tools")
        }
    }

    @Test func aFamilyUnusedForItsIdleLifetimeCannotRefresh() async throws {
        let rig = try await TokenRig.make(signIn: SignInConfiguration(refreshIdleLifetime: .seconds(3600)))
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let rotated = try await client.refresh(try #require(signedIn.refreshToken))
            let token = try #require(rotated.json["refresh_token"]?.stringValue)
            rig.clock.advance(seconds: 3599)
            let kept = try await client.refresh(token)
            #expect(kept.status == .ok)
            let next = try #require(kept.json["refresh_token"]?.stringValue)
            rig.clock.advance(seconds: 3600)
            let idle = try await client.refresh(next)
            #expect(idle.status == .badRequest)
            #expect(idle.oauthError == "invalid_grant")
        }
    }

    @Test func aFamilyEndsAtItsAbsoluteLifetimeHoweverOftenItIsUsed() async throws {
        let signIn = SignInConfiguration(refreshIdleLifetime: .seconds(3600), refreshAbsoluteLifetime: .seconds(7200))
        let rig = try await TokenRig.make(signIn: signIn)
        try await rig.harness.app.test(.router) { client in
            var token = try #require(try await rig.signIn(client).refreshToken)
            for _ in 0..<3 {
                rig.clock.advance(seconds: 2000)
                let answer = try await client.refresh(token)
                #expect(answer.status == .ok)
                token = try #require(answer.json["refresh_token"]?.stringValue)
                // Access tokens never outlive the family.
                let expiresIn = try #require(answer.json["expires_in"]?.numberValue?.int64Value)
                #expect(expiresIn <= 3600)
                #expect(expiresIn <= Int64(7200 - (rig.clock.now.timeIntervalSince1970 - 1_800_000_000)))
            }
            rig.clock.advance(seconds: 1200)
            #expect(try await client.refresh(token).oauthError == "invalid_grant")
        }
    }

    @Test func aDeletedPersonCanNeitherRefreshNorCallTools() async throws {
        let rig = try await TokenRig.make(clientRecheckInterval: .seconds(5))
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client, as: TokenRig.bob)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)
            // Deleted by another process (the operator CLI): the token is refused within the recheck interval.
            #expect(try await rig.harness.store.deletePerson(id: TokenRig.bob))
            rig.clock.advance(seconds: 5)
            let mcp = try await client.callMCP(token: signedIn.accessToken)
            #expect(mcp.status == .unauthorized)
            #expect(mcp.json["error_description"] == "the person of this token no longer exists")
            #expect(try await client.refresh(try #require(signedIn.refreshToken)).oauthError == "invalid_grant")
            #expect(
                try await rig.harness.store.grantFamily(id: signedIn.familyID)?.revocationReason == "person-deleted"
            )
        }
    }

    @Test func aDeletedClientCanNeitherRefreshNorCallTools() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            #expect(try await rig.harness.store.deleteClient(id: TokenRig.publicClient))
            let refresh = try await client.refresh(try #require(signedIn.refreshToken))
            #expect(refresh.status == .unauthorized)
            #expect(refresh.oauthError == "invalid_client")
            rig.clock.advance(seconds: 5)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .unauthorized)
        }
    }

    @Test func unknownMalformedOrAnotherClientsRefreshTokensChangeNothing() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let token = try #require(signedIn.refreshToken)
            let forged = signedIn.familyID + "." + SecretToken.generate()
            for presented in ["garbage", "", forged, "a.b.c", String(repeating: "x", count: 5000)] {
                let answer = try await client.refresh(presented)
                #expect(answer.status == .badRequest)
                #expect(answer.oauthError == (presented.isEmpty ? "invalid_request" : "invalid_grant"))
            }
            // Another client holding Alice's refresh token gets nothing, and cannot revoke her family.
            #expect(try await client.refresh(token, clientID: TokenRig.otherClient).oauthError == "invalid_grant")
            #expect(try await rig.harness.store.grantFamily(id: signedIn.familyID)?.revokedAt == nil)
            #expect(try await client.refresh(token).status == .ok)
        }
    }

    @Test func aClientWithoutTheRefreshGrantCannotRefresh() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let answer = try await client.refresh(
                try #require(signedIn.refreshToken),
                clientID: TokenRig.noRefreshClient
            )
            #expect(answer.oauthError == "unauthorized_client")
        }
    }
}
