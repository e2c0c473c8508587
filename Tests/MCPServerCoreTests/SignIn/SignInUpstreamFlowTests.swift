import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPWire
import NIOConcurrencyHelpers
import Testing

@testable import MCPServerCore

/// The browser side with an upstream provider: `/authorize` redirects to it, and `/oidc/callback` resumes the
/// sealed request. The provider here is a stand-in that records what it was given; the real one
/// (``UpstreamOIDCProvider``) is tested on its own.
@Suite("Sign-in: upstream provider")
struct SignInUpstreamFlowTests {
    final class StandIn: UpstreamIdentityProvider {
        struct Begun: Sendable {
            var sealedRequest: String
            var browserHash: String
            var callbackURL: String
            var forceLogin: Bool
        }

        let begun = NIOLockedValueBox<[Begun]>([])
        let person: StoredPerson
        let failure: UpstreamSignInError?

        init(person: StoredPerson, failure: UpstreamSignInError? = nil) {
            self.person = person
            self.failure = failure
        }

        var displayName: String { "Example SSO" }

        func beginSignIn(
            sealedRequest: String,
            browserHash: String,
            callbackURL: String,
            forceLogin: Bool,
            now: Date
        ) async throws
            -> String
        {
            self.begun.withLockedValue {
                $0.append(
                    Begun(
                        sealedRequest: sealedRequest,
                        browserHash: browserHash,
                        callbackURL: callbackURL,
                        forceLogin: forceLogin
                    )
                )
            }
            return "https://sso.example/authorize?state=upstream-state"
        }

        func finishSignIn(
            query: [String: String],
            browserHash: String,
            callbackURL: String,
            now: Date
        ) async throws
            -> UpstreamSignIn
        {
            if let failure { throw failure }
            let login = try #require(self.begun.withLockedValue { $0.last })
            guard query["state"] == "upstream-state", browserHash == login.browserHash else {
                throw UpstreamSignInError("This sign-in was started in another browser.")
            }
            return UpstreamSignIn(person: self.person, sealedRequest: login.sealedRequest)
        }
    }

    static let person = StoredPerson(
        id: "oidc_bob",
        displayName: "Bob",
        email: "bob@example.com",
        upstreamIssuer: "https://sso.example",
        upstreamSubject: "bob",
        createdAt: Date(timeIntervalSince1970: 0),
        updatedAt: Date(timeIntervalSince1970: 0)
    )

    @Test func authorizeRedirectsUpstreamAndTheCallbackResumes() async throws {
        let standIn = StandIn(person: Self.person)
        let harness = try await SignInFixture.harness(upstream: standIn)
        try await harness.store.insertPerson(Self.person)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let start = try await browser.get(SignInFixture.authorizeURI())
            #expect(start.status == .seeOther)
            #expect(start.header("Location") == "https://sso.example/authorize?state=upstream-state")
            let begun = try #require(standIn.begun.withLockedValue { $0.first })
            #expect(begun.callbackURL == "http://mcp.test/oidc/callback")
            let browserID = try #require(browser.cookies[SignInCookies.browser])
            #expect(begun.browserHash == SecretToken.hash(browserID))

            let consent = try await browser.get("/oidc/callback?code=upstream-code&state=upstream-state")
            #expect(consent.isConsentPage)
            #expect(consent.body.contains("Bob"))
            #expect(browser.cookies[SignInCookies.session] != nil)
            let granted = try await browser.consent("allow", on: consent)
            #expect(granted.redirectParameters["code"] != nil)
            #expect(granted.redirectParameters["state"] == SignInFixture.state)
            // Password sign-in is off.
            let page = try await browser.post(
                "/authorize/sign-in",
                [
                    ("csrf", try consent.hiddenField("csrf")), ("request", try consent.hiddenField("request")),
                    ("username", "alice"), ("password", SignInFixture.password),
                ]
            )
            #expect(page.status == .badRequest)
        }
        #expect(harness.logs.audits("sign_in.upstream").map { $0.value("outcome") } == ["success"])
    }

    @Test func callbackInAnotherBrowserOrWithoutCookieIsRefused() async throws {
        let standIn = StandIn(person: Self.person)
        let harness = try await SignInFixture.harness(upstream: standIn)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            _ = try await browser.get(SignInFixture.authorizeURI())
            var other = SignInTestBrowser(client)
            _ = try await other.get("/authorize?client_id=nobody")  // any page: it has no browser cookie yet
            let noCookie = try await other.get("/oidc/callback?code=c&state=upstream-state")
            #expect(noCookie.status == .forbidden)
            other.cookies[SignInCookies.browser] = SecretToken.generate()
            let elsewhere = try await other.get("/oidc/callback?code=c&state=upstream-state")
            #expect(elsewhere.status == .badRequest)
            #expect(elsewhere.body.contains("started in another browser"))
            #expect(other.cookies[SignInCookies.session] == nil)
            let repeated = try await browser.get("/oidc/callback?code=c&state=upstream-state&state=x")
            #expect(repeated.status == .badRequest)
        }
    }

    @Test func providerErrorsShowTheirMessageAndLogTheDetail() async throws {
        let standIn = StandIn(
            person: Self.person,
            failure: UpstreamSignInError(
                "Your account is not allowed here.",
                logDetail: "email domain not allowed: x.example"
            )
        )
        let harness = try await SignInFixture.harness(upstream: standIn)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            _ = try await browser.get(SignInFixture.authorizeURI())
            let answer = try await browser.get("/oidc/callback?code=c&state=upstream-state")
            #expect(answer.status == .badRequest)
            #expect(answer.body.contains("Your account is not allowed here."))
            #expect(!answer.body.contains("x.example"))
        }
        #expect(harness.logs.text.contains("email domain not allowed: x.example"))
    }

    /// A client asking to see the person sign in again must not be answered by the provider's own session:
    /// the provider is told to ask again.
    @Test(arguments: [
        ("", false), ("&prompt=login", true), ("&prompt=select_account", true), ("&prompt=consent", false),
    ])
    func promptLoginIsPassedUpstream(_ extra: String, _ forced: Bool) async throws {
        let standIn = StandIn(person: Self.person)
        let harness = try await SignInFixture.harness(upstream: standIn)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let start = try await browser.get(SignInFixture.authorizeURI(extra: extra))
            #expect(start.status == .seeOther)
        }
        #expect(standIn.begun.withLockedValue { $0.map(\.forceLogin) } == [forced])
    }

    /// Every trip upstream stores login state for a caller nobody knows yet: one address may start only so many.
    @Test func startingUpstreamSignInsIsLimitedPerAddress() async throws {
        let standIn = StandIn(person: Self.person)
        let harness = try await SignInFixture.harness(
            signIn: SignInConfiguration(upstreamSignInsPerMinutePerIP: 2),
            upstream: standIn
        )
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            for _ in 0..<2 {
                #expect(try await browser.get(SignInFixture.authorizeURI()).status == .seeOther)
            }
            let refused = try await browser.get(SignInFixture.authorizeURI())
            #expect(refused.status == .tooManyRequests)
            #expect(refused.header("Location") == nil)
            #expect(refused.header("Retry-After") != nil)
            #expect(refused.header("Content-Type") == "text/html; charset=utf-8")
            #expect(refused.body.contains("Too many sign-ins"))
        }
        #expect(standIn.begun.withLockedValue { $0.count } == 2)
        #expect(harness.logs.audits("sign_in.upstream").map { $0.value("outcome") } == ["throttled"])
    }

    @Test func promptNoneDoesNotGoUpstream() async throws {
        let standIn = StandIn(person: Self.person)
        let harness = try await SignInFixture.harness(upstream: standIn)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let answer = try await browser.get(SignInFixture.authorizeURI(extra: "&prompt=none"))
            #expect(answer.redirectParameters["error"] == "login_required")
        }
        #expect(standIn.begun.withLockedValue { $0.isEmpty })
    }

    @Test func callbackWithoutAnUpstreamProviderIsNotFound() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let answer = try await browser.get("/oidc/callback?code=c&state=s")
            #expect(answer.status == .notFound)
        }
    }
}
