import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// The whole password sign-in through the router: `/authorize`, the sign-in form, consent, the code.
@Suite("Sign-in: password flow")
struct SignInPasswordFlowTests {
    @Test func signInConsentAndCode() async throws {
        let clock = SignInTestClock()
        let harness = try await SignInFixture.harness(clock: clock)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            #expect(page.status == .ok)
            #expect(page.isSignInPage)
            #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            // The client's name is escaped.
            #expect(page.body.contains("Test &lt;Editor&gt; &amp; Co"))
            #expect(!page.body.contains("<Editor>"))
            let browserCookie = try #require(
                page.headers[values: .setCookie].first { $0.hasPrefix(SignInCookies.browser + "=") }
            )
            #expect(browserCookie.contains("; Path=/; Secure; HttpOnly; SameSite=Lax"))

            let consent = try await browser.signIn(from: page)
            #expect(consent.status == .ok)
            #expect(consent.isConsentPage)
            #expect(consent.body.contains("Alice &lt;A&gt;"))
            #expect(consent.body.contains("tools on your behalf"))
            #expect(consent.body.contains("127.0.0.1"))
            #expect(browser.cookies[SignInCookies.session] != nil)

            let granted = try await browser.consent("allow", on: consent)
            #expect(granted.status == .seeOther)
            let location = try #require(granted.header("Location"))
            #expect(location.hasPrefix(SignInFixture.redirectAtPort + "?code="))
            let parameters = granted.redirectParameters
            #expect(parameters["state"] == SignInFixture.state)
            #expect(parameters["iss"] == AuthHarness.base)
            let code = try #require(parameters["code"])

            // The store has only the hash, bound to what /token checks.
            let redemption = try await harness.store.redeemAuthorizationCode(
                hash: SecretToken.hash(code),
                clientID: SignInFixture.clientID,
                now: clock.now
            )
            guard case .redeemed(let stored) = redemption else {
                Issue.record("the code does not redeem: \(redemption)")
                return
            }
            #expect(stored.personID == "usr_alice")
            #expect(stored.redirectURI == SignInFixture.redirectAtPort)
            #expect(stored.scope == "mcp:tools")
            #expect(stored.resource == AuthHarness.base + "/mcp")
            #expect(stored.codeChallenge == SignInFixture.challenge)
            #expect(stored.authTime == Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down)))
            #expect(stored.expiresAt == clock.now.addingTimeInterval(60))
            #expect(!stored.familyID.isEmpty)

            let consentRecord = try await harness.store.consent(personID: "usr_alice", clientID: SignInFixture.clientID)
            #expect(consentRecord?.scopes == ["mcp:tools"])
        }
        #expect(harness.logs.audits("sign_in.password").map { $0.value("outcome") } == ["success"])
        #expect(harness.logs.audits("consent.granted").count == 1)
        #expect(harness.logs.audits("authorization_code.issued").count == 1)
        #expect(!harness.logs.text.contains(SignInFixture.password))
    }

    @Test func routesAlsoLiveUnderTheBaseURLsPathPrefix() async throws {
        let harness = try await SignInFixture.harness(base: "http://mcp.test/prod")
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let uri = SignInFixture.authorizeURI(extra: "", path: "/prod/authorize")
                .replacingOccurrences(of: "mcp.test%2Fmcp", with: "mcp.test%2Fprod%2Fmcp")
            let page = try await browser.get(uri)
            #expect(page.status == .ok)
            #expect(page.body.contains(#"action="http://mcp.test/prod/authorize/sign-in""#))
        }
    }

    @Test func wrongPasswordAndUnknownUsernameReadTheSame() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            let wrong = try await browser.signIn(from: page, password: "not the password")
            let unknown = try await browser.signIn(from: page, username: "bob", password: "not the password")
            let malformed = try await browser.signIn(from: page, username: "-<b>", password: "x")
            for answer in [wrong, unknown, malformed] {
                #expect(answer.status == .badRequest)
                #expect(answer.isSignInPage)
                #expect(answer.body.contains("Wrong username or password."))
                #expect(answer.header("Set-Cookie") == nil)
            }
            // The username is filled in again, escaped; the password never.
            #expect(malformed.body.contains(#"value="-&lt;b&gt;""#))
            #expect(!wrong.body.contains("not the password"))
            #expect(browser.cookies[SignInCookies.session] == nil)
        }
        #expect(
            harness.logs.audits("sign_in.password").map { $0.value("outcome") } == Array(repeating: "failure", count: 3)
        )
        #expect(!harness.logs.text.contains("not the password"))
        #expect(try await harness.store.consent(personID: "usr_alice", clientID: SignInFixture.clientID) == nil)
    }

    @Test func usernamesAreNormalizedAsTheCLINormalizesThem() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            let consent = try await browser.signIn(from: page, username: "  ALICE ")
            #expect(consent.isConsentPage)
        }
    }

    @Test func attemptsAreThrottledPerPerson() async throws {
        let clock = SignInTestClock()
        let harness = try await SignInFixture.harness(
            clock: clock,
            signIn: SignInConfiguration(loginAttemptsPerMinutePerPerson: 3, loginAttemptsPerMinutePerIP: 100)
        )
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            for _ in 0..<3 {
                #expect(try await browser.signIn(from: page, password: "wrong password").status == .badRequest)
            }
            // Past the limit even the right password is refused, without a session.
            let refused = try await browser.signIn(from: page)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.isSignInPage)
            #expect(refused.body.contains("Too many sign-in attempts. Wait a minute and try again."))
            #expect(refused.header("Retry-After") != nil)
            #expect(browser.cookies[SignInCookies.session] == nil)
            // Another username is not this person's limit.
            #expect(try await browser.signIn(from: page, username: "bob").status == .badRequest)
            // A minute later the person may try again.
            clock.advance(seconds: 61)
            #expect(try await browser.signIn(from: page).isConsentPage)
        }
        #expect(harness.logs.audits("sign_in.password").contains { $0.value("outcome") == "throttled" })
    }

    /// Callers are told apart by their forwarded address, which needs a real peer (127.0.0.1) to trust.
    static let loopback = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]

    @Test func aGuesserAtOneAddressDoesNotLockThePersonOutAtAnother() async throws {
        let harness = try await SignInFixture.harness(
            signIn: SignInConfiguration(loginAttemptsPerMinutePerPerson: 3, loginAttemptsPerMinutePerIP: 100),
            trustedProxies: Self.loopback
        )
        try await harness.app.test(.live) { client in
            var guesser = SignInTestBrowser(client, forwardedFor: "203.0.113.66")
            let guesses = try await guesser.get(SignInFixture.authorizeURI())
            for _ in 0..<3 {
                #expect(try await guesser.signIn(from: guesses, password: "guess").status == .badRequest)
            }
            #expect(try await guesser.signIn(from: guesses, password: "guess").status == .tooManyRequests)
            // The guesser is stopped even with the right password.
            #expect(try await guesser.signIn(from: guesses).status == .tooManyRequests)

            var alice = SignInTestBrowser(client, forwardedFor: "198.51.100.7")
            let page = try await alice.get(SignInFixture.authorizeURI())
            let consent = try await alice.signIn(from: page)
            #expect(consent.isConsentPage)
            #expect(alice.cookies[SignInCookies.session] != nil)
        }
    }

    @Test func everyAddressTogetherMeetsAPerPersonCeiling() async throws {
        // Ten times the per-person limit from all addresses together: 10 here, one guess from each of ten.
        let harness = try await SignInFixture.harness(
            signIn: SignInConfiguration(loginAttemptsPerMinutePerPerson: 1, loginAttemptsPerMinutePerIP: 100),
            trustedProxies: Self.loopback
        )
        try await harness.app.test(.live) { client in
            for host in 1...10 {
                var guesser = SignInTestBrowser(client, forwardedFor: "203.0.113.\(host)")
                let page = try await guesser.get(SignInFixture.authorizeURI())
                #expect(try await guesser.signIn(from: page, password: "guess").status == .badRequest)
            }
            var late = SignInTestBrowser(client, forwardedFor: "198.51.100.7")
            let page = try await late.get(SignInFixture.authorizeURI())
            let refused = try await late.signIn(from: page)
            #expect(refused.status == .tooManyRequests)
            #expect(late.cookies[SignInCookies.session] == nil)
            // Another person is not held by Alice's ceiling.
            #expect(try await late.signIn(from: page, username: "bob").status == .badRequest)
        }
    }

    @Test func attemptsAreThrottledPerAddress() async throws {
        let harness = try await SignInFixture.harness(
            signIn: SignInConfiguration(loginAttemptsPerMinutePerPerson: 100, loginAttemptsPerMinutePerIP: 2)
        )
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            #expect(try await browser.signIn(from: page, username: "bob").status == .badRequest)
            #expect(try await browser.signIn(from: page, username: "carol").status == .badRequest)
            #expect(try await browser.signIn(from: page).status == .tooManyRequests)
        }
    }
}
