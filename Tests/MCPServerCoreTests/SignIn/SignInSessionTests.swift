import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// Sessions and remembered consent: what a second `/authorize` in the same browser skips, and what ends a session.
@Suite("Sign-in: sessions and consent")
struct SignInSessionTests {
    /// A client and the redirect URI its requests use.
    struct Client: Sendable, CustomTestStringConvertible {
        var id: String
        var redirectURI: String
        var testDescription: String { self.id }

        static let publicLoopback = Client(id: SignInFixture.clientID, redirectURI: SignInFixture.redirectAtPort)
        static let confidentialLoopback = Client(
            id: SignInFixture.confidentialClientID,
            redirectURI: SignInFixture.redirectAtPort
        )
        static let publicHTTPS = Client(id: SignInFixture.webClientID, redirectURI: SignInFixture.webRedirectURI)

        func authorizeURI(scope: String? = "mcp:tools", extra: String = "") -> String {
            SignInFixture.authorizeURI(clientID: self.id, redirectURI: self.redirectURI, scope: scope, extra: extra)
        }
    }

    /// A browser signed in as Alice who allowed `scope` to `app`.
    private func signedInWithConsent(
        _ client: some TestClientProtocol,
        for app: Client = .publicLoopback,
        scope: String = "mcp:tools"
    ) async throws -> SignInTestBrowser {
        var browser = SignInTestBrowser(client)
        let page = try await browser.get(app.authorizeURI(scope: scope))
        let consent = try await browser.signIn(from: page)
        try #require(try await browser.consent("allow", on: consent).status == .seeOther)
        return browser
    }

    /// Clients whose identity is assured: a code issued without a page can reach only them.
    @Test(arguments: [Client.confidentialLoopback, Client.publicHTTPS])
    func rememberedConsentSkipsEveryPage(_ app: Client) async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client, for: app, scope: "mcp:read mcp:tools")
            let again = try await browser.get(app.authorizeURI(scope: "mcp:read mcp:tools"))
            #expect(again.status == .seeOther)
            #expect(again.header("Location")?.hasPrefix(app.redirectURI + "?code=") == true)
            #expect(again.redirectParameters["state"] == SignInFixture.state)
            // prompt=none answers the same way.
            let silent = try await browser.get(app.authorizeURI(scope: "mcp:read mcp:tools", extra: "&prompt=none"))
            #expect(silent.redirectParameters["code"] != nil)
            // A narrower request is covered too.
            let narrower = try await browser.get(app.authorizeURI(scope: "mcp:tools"))
            #expect(narrower.redirectParameters["code"] != nil)
        }
        #expect(harness.logs.audits("authorization_code.issued").count == 4)
    }

    /// RFC 8252 §8.6: any program on the device can claim a public client's id and listen on loopback, so a
    /// remembered consent never issues its code unseen; the person is asked every time, in one click.
    @Test func aPublicLoopbackClientIsAskedEveryTime() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client)
            let again = try await browser.get(SignInFixture.authorizeURI())
            #expect(again.status == .ok)
            #expect(again.isConsentPage)
            #expect(again.redirectParameters["code"] == nil)
            #expect(again.body.contains("tools on your behalf"))
            let silent = try await browser.get(SignInFixture.authorizeURI(extra: "&prompt=none"))
            #expect(silent.status == .seeOther)
            #expect(silent.redirectParameters["error"] == "consent_required")
            #expect(silent.redirectParameters["state"] == SignInFixture.state)
            #expect(silent.redirectParameters["code"] == nil)
            let allowed = try await browser.consent("allow", on: again)
            #expect(allowed.header("Location")?.hasPrefix(SignInFixture.redirectAtPort + "?code=") == true)
        }
        // The first consent and the one click; never the silent request.
        #expect(harness.logs.audits("authorization_code.issued").count == 2)
        // The consent is still remembered, for the clients it may serve.
        let consent = try await harness.store.consent(personID: "usr_alice", clientID: SignInFixture.clientID)
        #expect(consent?.scopes == ["mcp:tools"])
    }

    @Test func moreScopesOrPromptConsentAskAgainAndConsentGrows() async throws {
        let harness = try await SignInFixture.harness()
        let app = Client.confidentialLoopback
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client, for: app)
            let wider = try await browser.get(app.authorizeURI(scope: "mcp:read mcp:tools"))
            #expect(wider.isConsentPage)
            let silent = try await browser.get(app.authorizeURI(scope: "mcp:read", extra: "&prompt=none"))
            #expect(silent.redirectParameters["error"] == "consent_required")
            #expect(silent.redirectParameters["state"] == SignInFixture.state)
            let forced = try await browser.get(app.authorizeURI(extra: "&prompt=consent"))
            #expect(forced.isConsentPage)
            let read = try await browser.get(app.authorizeURI(scope: "mcp:read"))
            #expect(try await browser.consent("allow", on: read).status == .seeOther)
            #expect(try await browser.get(app.authorizeURI(scope: "mcp:read mcp:tools")).status == .seeOther)
        }
        let consent = try await harness.store.consent(personID: "usr_alice", clientID: app.id)
        #expect(consent?.scopes == ["mcp:tools", "mcp:read"])
    }

    @Test func denySendsAccessDeniedAndRemembersNothing() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            let consent = try await browser.signIn(from: page)
            let denied = try await browser.consent("deny", on: consent)
            #expect(denied.status == .seeOther)
            #expect(denied.header("Location")?.hasPrefix(SignInFixture.redirectAtPort + "?error=access_denied") == true)
            #expect(denied.redirectParameters["state"] == SignInFixture.state)
            #expect(denied.redirectParameters["iss"] == AuthHarness.base)
            #expect(denied.redirectParameters["code"] == nil)
        }
        #expect(try await harness.store.consent(personID: "usr_alice", clientID: SignInFixture.clientID) == nil)
        #expect(harness.logs.audits("consent.denied").count == 1)
        #expect(harness.logs.audits("authorization_code.issued").isEmpty)
    }

    @Test func promptLoginAsksForThePasswordAgain() async throws {
        let harness = try await SignInFixture.harness()
        let app = Client.confidentialLoopback
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client, for: app)
            let page = try await browser.get(app.authorizeURI(extra: "&prompt=login"))
            #expect(page.isSignInPage)
            // After signing in again the remembered consent still counts.
            let after = try await browser.signIn(from: page)
            #expect(after.redirectParameters["code"] != nil)
        }
    }

    @Test func passwordChangeEndsTheSession() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client)
            var person = try #require(try await harness.store.person(id: "usr_alice"))
            person.credentialVersion += 1
            try await harness.store.updatePerson(person)
            let again = try await browser.get(SignInFixture.authorizeURI())
            #expect(again.isSignInPage)
            #expect(again.redirectParameters["code"] == nil)
            let silent = try await browser.get(SignInFixture.authorizeURI(extra: "&prompt=none"))
            #expect(silent.redirectParameters["error"] == "login_required")
        }
    }

    @Test func consentPostWithAnEndedSessionAsksToSignInAgain() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            let consent = try await browser.signIn(from: page)
            var person = try #require(try await harness.store.person(id: "usr_alice"))
            person.credentialVersion += 1
            try await harness.store.updatePerson(person)
            let answer = try await browser.consent("allow", on: consent)
            #expect(answer.status == .ok)
            #expect(answer.isSignInPage)
            #expect(answer.body.contains("Your session has ended"))
        }
        #expect(harness.logs.audits("authorization_code.issued").isEmpty)
    }

    @Test func deletedPersonHasNoSession() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client)
            #expect(try await harness.store.deletePerson(id: "usr_alice"))
            let again = try await browser.get(SignInFixture.authorizeURI())
            #expect(again.isSignInPage)
        }
    }

    @Test func sessionsExpire() async throws {
        let clock = SignInTestClock()
        let harness = try await SignInFixture.harness(clock: clock)
        try await harness.app.test(.router) { client in
            var browser = try await self.signedInWithConsent(client)
            clock.advance(seconds: 12 * 3600 - 1)
            // Still signed in: straight to consent.
            #expect(try await browser.get(SignInFixture.authorizeURI()).isConsentPage)
            clock.advance(seconds: 2)
            #expect(try await browser.get(SignInFixture.authorizeURI()).isSignInPage)
        }
    }

    /// Two deployments on one host (API Gateway stages) sharing a store, so keys: the browser sends the session
    /// cookie of one to the other, which must not count it.
    @Test func aSessionCountsOnlyOnTheDeploymentThatStartedIt() async throws {
        let harness = try await SignInFixture.harness()
        let prod = try await SignInFixture.harness(base: "http://mcp.test/prod", store: harness.store)
        let cookies = try await harness.app.test(.router) { client in
            try await self.signedInWithConsent(client).cookies
        }
        let sealed = try #require(cookies[SignInCookies.session])
        let browserID = try #require(cookies[SignInCookies.browser])
        let binding = try #require(BrowserBinding(cookieValue: Substring(browserID)))
        // The keys are shared, so the session opens there: only its binding can refuse it.
        let prodFlow = SignInFlow(server: prod.server)
        #expect(prodFlow.sessions.open(sealed)?.resource == AuthHarness.base + "/mcp")
        var headers = HTTPFields()
        headers[.cookie] = "\(SignInCookies.session)=\(sealed)"
        let now = harness.server.now()
        let prodURLs = ServerURLs(base: "http://mcp.test/prod")
        #expect(try await prodFlow.signedIn(headers, browser: binding, urls: prodURLs, now: now) == nil)
        let ourURLs = ServerURLs(base: AuthHarness.base)
        #expect(try await prodFlow.signedIn(headers, browser: binding, urls: ourURLs, now: now) != nil)

        try await prod.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            browser.cookies = cookies
            let uri = SignInFixture.authorizeURI(path: "/prod/authorize")
                .replacingOccurrences(of: "mcp.test%2Fmcp", with: "mcp.test%2Fprod%2Fmcp")
            let page = try await browser.get(uri)
            #expect(page.status == .ok)
            #expect(page.body.contains(#"action="http://mcp.test/prod/authorize/sign-in""#))
            #expect(!page.body.contains("/authorize/consent"))
        }
        #expect(prod.logs.audits("authorization_code.issued").isEmpty)
    }

    @Test func aSessionCookieCountsOnlyWithItsBrowserCookie() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            let victim = try await self.signedInWithConsent(client)
            var thief = SignInTestBrowser(client)
            _ = try await thief.get(SignInFixture.authorizeURI())
            thief.cookies[SignInCookies.session] = victim.cookies[SignInCookies.session]
            #expect(try await thief.get(SignInFixture.authorizeURI()).isSignInPage)
            // A session cookie that does not open is simply absent.
            var forger = victim
            forger.cookies[SignInCookies.session] = "AAAA" + (victim.cookies[SignInCookies.session] ?? "")
            #expect(try await forger.get(SignInFixture.authorizeURI()).isSignInPage)
        }
    }
}
