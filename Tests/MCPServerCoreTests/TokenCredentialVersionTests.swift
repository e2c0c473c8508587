import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// A password change, a sign-out or a deletion ends what a person was issued: grant families carry the person's
/// credential version, refresh refuses (and revokes) a family of another version, and the verifier refuses its
/// access tokens within the recheck interval.
@Suite("Token endpoint: credential versions")
struct TokenCredentialVersionTests {
    /// What `users passwd` and `users sign-out` do to the person, from another process.
    static func raiseVersion(_ rig: TokenRig, of personID: String) async throws {
        var person = try #require(try await rig.harness.store.person(id: personID))
        person.credentialVersion = person.raisedCredentialVersion(now: rig.clock.now)
        person.updatedAt = rig.clock.now
        try await rig.harness.store.updatePerson(person)
    }

    @Test func theExchangeRecordsThePersonsCredentialVersion() async throws {
        let rig = try await TokenRig.make()
        var bob = try #require(try await rig.harness.store.person(id: TokenRig.bob))
        bob.credentialVersion = 1_800_000_123
        try await rig.harness.store.updatePerson(bob)
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client, as: TokenRig.bob)
            let family = try #require(try await rig.harness.store.grantFamily(id: signedIn.familyID))
            #expect(family.credentialVersion == 1_800_000_123)
        }
    }

    @Test func aRaisedCredentialVersionEndsRefreshAndAccessTokens() async throws {
        let rig = try await TokenRig.make(clientRecheckInterval: .seconds(5))
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client)
            let refresh = try #require(signedIn.refreshToken)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)
            // Another sign-in of Alice's, already checked by the verifier and never refreshed: it ends too.
            let other = try await rig.signIn(client)
            #expect(try await client.callMCP(token: other.accessToken).status == .ok)

            try await Self.raiseVersion(rig, of: TokenRig.alice)
            let refused = try await client.refresh(refresh)
            #expect(refused.status == .badRequest)
            #expect(refused.oauthError == "invalid_grant")
            let family = try #require(try await rig.harness.store.grantFamily(id: signedIn.familyID))
            #expect(family.revokedAt != nil)
            #expect(family.revocationReason == "credentials-changed")
            let audit = try #require(rig.harness.logs.audits("refresh.refused").first)
            #expect(audit.value("detail")?.contains("reason=credentials-changed") == true)

            // Access tokens: refused once the verifier reads the store again (within the recheck interval), even
            // for the family nobody refreshed, which the store never marked revoked.
            rig.clock.advance(seconds: 5)
            for token in [signedIn.accessToken, other.accessToken] {
                let mcp = try await client.callMCP(token: token)
                #expect(mcp.status == .unauthorized)
                #expect(mcp.header("WWW-Authenticate")?.contains("invalid_token") == true)
            }
            #expect(try await rig.harness.store.grantFamily(id: other.familyID)?.revokedAt == nil)

            // Signing in again starts a family at the new version, which works.
            let again = try await rig.signIn(client)
            #expect(try await client.callMCP(token: again.accessToken).status == .ok)
            #expect(try await client.refresh(try #require(again.refreshToken)).status == .ok)
        }
    }

    @Test func aPersonDeletedAndSignedInAgainDoesNotReviveOldTokens() async throws {
        let rig = try await TokenRig.make(clientRecheckInterval: .seconds(5))
        let upstreamID = "oidc_" + String(repeating: "d", count: 22)
        let upstream = StoredPerson(
            id: upstreamID,
            email: "dana@example.com",
            upstreamIssuer: "https://idp.example",
            upstreamSubject: "dana",
            createdAt: rig.clock.now,
            updatedAt: rig.clock.now
        )
        _ = try await rig.harness.store.upsertUpstreamPerson(upstream)
        try await rig.harness.app.test(.router) { client in
            let signedIn = try await rig.signIn(client, as: upstreamID)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .ok)

            // Deleted, then back through the upstream provider a second later: the same id (issuer and subject),
            // but the old sign-in must not come back with it.
            #expect(try await rig.harness.store.deletePerson(id: upstreamID))
            rig.clock.advance(seconds: 1)
            var returning = upstream
            returning.createdAt = rig.clock.now
            returning.updatedAt = rig.clock.now
            let stored = try await rig.harness.store.upsertUpstreamPerson(returning)
            let family = try #require(try await rig.harness.store.grantFamily(id: signedIn.familyID))
            #expect(stored.credentialVersion != family.credentialVersion)

            rig.clock.advance(seconds: 5)
            #expect(try await client.callMCP(token: signedIn.accessToken).status == .unauthorized)
            #expect(try await client.refresh(try #require(signedIn.refreshToken)).oauthError == "invalid_grant")
            #expect(
                try await rig.harness.store.grantFamily(id: signedIn.familyID)?.revocationReason
                    == "credentials-changed"
            )
        }
    }

    // MARK: - A code redeemed twice, in the racy order

    /// The second redemption lands after the first consumed the code but before the first stored its family: the
    /// revocation finds nothing, so the mark it leaves must be what stops the family.
    @Test func reuseBeforeTheFamilyExistsLeavesAMark() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            // The first exchange's first step, and no further yet.
            let first = try await rig.harness.store.redeemAuthorizationCode(
                hash: SecretToken.hash(issued.code),
                clientID: TokenRig.publicClient,
                now: rig.clock.now
            )
            guard case .redeemed = first else {
                Issue.record("the first redemption did not redeem: \(first)")
                return
            }
            let second = try await client.exchange(issued.code)
            #expect(second.oauthError == "invalid_grant")
            #expect(rig.harness.logs.audits("code.reused").first?.value("outcome") == "nothing-to-revoke")
            let key = TokenController.revokedFamilyKey(issued.familyID)
            #expect(try await rig.harness.store.isClaimed(key: key, now: rig.clock.now))
            // The mark lasts as long as a family could.
            #expect(try await rig.harness.store.isClaimed(key: key, now: rig.clock.now + 89 * 86_400))
        }
    }

    /// The first exchange stores its family after that mark was left: it revokes the family and issues nothing.
    @Test func theFirstExchangeFindingTheMarkRevokesItsFamilyAndIssuesNothing() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let issued = try await rig.issueCode()
            // The second redemption's mark, already there when the first exchange stores its family.
            #expect(
                try await rig.harness.store.claimOnce(
                    key: TokenController.revokedFamilyKey(issued.familyID),
                    expiresAt: rig.clock.now + 3600,
                    now: rig.clock.now
                )
            )
            let answer = try await client.exchange(issued.code)
            #expect(answer.status == .badRequest)
            #expect(answer.oauthError == "invalid_grant")
            #expect(answer.json["access_token"] == nil)
            #expect(answer.json["refresh_token"] == nil)
            let family = try #require(try await rig.harness.store.grantFamily(id: issued.familyID))
            #expect(family.revokedAt != nil)
            #expect(family.revocationReason == "code-reuse")
            #expect(rig.harness.logs.audits("code.reused").first?.value("outcome") == "family-revoked")
            #expect(rig.harness.logs.audits("token.issued").isEmpty)
        }
    }

    /// Without a mark, an exchange goes through: the mark is per family, not per client or person.
    @Test func anotherFamilysMarkDoesNotStopAnExchange() async throws {
        let rig = try await TokenRig.make()
        try await rig.harness.app.test(.router) { client in
            let other = try await rig.issueCode()
            _ = try await rig.harness.store.claimOnce(
                key: TokenController.revokedFamilyKey(other.familyID),
                expiresAt: rig.clock.now + 3600,
                now: rig.clock.now
            )
            let issued = try await rig.issueCode()
            #expect(try await client.exchange(issued.code).status == .ok)
        }
    }
}
