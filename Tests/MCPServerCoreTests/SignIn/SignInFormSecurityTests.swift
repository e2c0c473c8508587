import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// The checks every sign-in and consent POST passes before a field is used: Origin, the browser cookie, the CSRF
/// token, the sealed request (intact, this browser's, this deployment's, not expired), the form itself.
@Suite("Sign-in: form checks")
struct SignInFormSecurityTests {
    /// Signs in and returns the consent page, the browser, and the harness.
    private func atConsent(
        _ harness: AuthHarness,
        _ client: some TestClientProtocol
    ) async throws -> (SignInTestBrowser, HTTPAnswer) {
        var browser = SignInTestBrowser(client)
        let page = try await browser.get(SignInFixture.authorizeURI())
        let consent = try await browser.signIn(from: page)
        try #require(consent.isConsentPage)
        return (browser, consent)
    }

    private func noCodeIssued(_ harness: AuthHarness) -> Bool {
        harness.logs.audits("authorization_code.issued").isEmpty
    }

    @Test func csrfTokenMissingOrWrongIsForbidden() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var (browser, consent) = try await self.atConsent(harness, client)
            let sealed = try consent.hiddenField("request")
            let csrf = try consent.hiddenField("csrf")
            let missing = try await browser.post("/authorize/consent", [("request", sealed), ("action", "allow")])
            var flipped = Array(csrf)
            flipped[5] = flipped[5] == "A" ? "B" : "A"
            let wrong = try await browser.post(
                "/authorize/consent",
                [("csrf", String(flipped)), ("request", sealed), ("action", "allow")]
            )
            let empty = try await browser.post(
                "/authorize/consent",
                [("csrf", ""), ("request", sealed), ("action", "allow")]
            )
            for answer in [missing, wrong, empty] {
                #expect(answer.status == .forbidden)
                #expect(answer.header("Location") == nil)
                #expect(answer.body.contains("This form cannot be accepted"))
            }
            // The sign-in form is held to the same rule.
            let page = try await browser.get(SignInFixture.authorizeURI(extra: "&prompt=login"))
            let signIn = try await browser.post(
                "/authorize/sign-in",
                [
                    ("request", try page.hiddenField("request")), ("username", "alice"),
                    ("password", SignInFixture.password),
                ]
            )
            #expect(signIn.status == .forbidden)
        }
        #expect(self.noCodeIssued(harness))
    }

    @Test func withoutTheBrowserCookieIsForbidden() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var (browser, consent) = try await self.atConsent(harness, client)
            let answer = try await browser.post(
                "/authorize/consent",
                [
                    ("csrf", try consent.hiddenField("csrf")), ("request", try consent.hiddenField("request")),
                    ("action", "allow"),
                ],
                withCookies: false
            )
            #expect(answer.status == .forbidden)
            #expect(answer.header("Location") == nil)
        }
        #expect(self.noCodeIssued(harness))
    }

    @Test func anotherBrowsersFormIsForbidden() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            let (_, consent) = try await self.atConsent(harness, client)
            // An attacker's own browser, signed in as themselves, posting the victim's form.
            var attacker = SignInTestBrowser(client)
            let page = try await attacker.get(SignInFixture.authorizeURI())
            _ = try await attacker.signIn(from: page)
            let answer = try await attacker.consent("allow", on: consent)
            #expect(answer.status == .forbidden)
            #expect(answer.header("Location") == nil)
        }
        #expect(self.noCodeIssued(harness))
    }

    @Test(arguments: ["https://evil.example", "null", "http://mcp.test:8080"])
    func foreignOriginIsForbidden(_ origin: String) async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var (browser, consent) = try await self.atConsent(harness, client)
            let answer = try await browser.post(
                "/authorize/consent",
                [
                    ("csrf", try consent.hiddenField("csrf")), ("request", try consent.hiddenField("request")),
                    ("action", "allow"),
                ],
                origin: .some(origin)
            )
            #expect(answer.status == .forbidden)
            #expect(answer.header("Location") == nil)
        }
        #expect(self.noCodeIssued(harness))
    }

    @Test func noOriginHeaderIsAccepted() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var (browser, consent) = try await self.atConsent(harness, client)
            browser.origin = nil
            #expect(try await browser.consent("allow", on: consent).status == .seeOther)
        }
    }

    @Test func expiredSealedRequestIsRefused() async throws {
        let clock = SignInTestClock()
        let harness = try await SignInFixture.harness(clock: clock)
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            clock.advance(seconds: 601)
            let late = try await browser.signIn(from: page)
            #expect(late.status == .badRequest)
            #expect(late.body.contains("This sign-in has expired"))
            #expect(browser.cookies[SignInCookies.session] == nil)
        }
        // Refused before the password is looked at.
        #expect(harness.logs.audits("sign_in.password").isEmpty)
    }

    @Test func tamperedSealedRequestIsRefused() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var (browser, consent) = try await self.atConsent(harness, client)
            var sealed = Array(try consent.hiddenField("request"))
            sealed[30] = sealed[30] == "A" ? "B" : "A"
            let tampered = String(sealed)
            // A CSRF token made for the tampered text: only the sealing can refuse it.
            let flow = SignInFlow(server: harness.server)
            let browserID = try #require(browser.cookies[SignInCookies.browser])
            let binding = try #require(BrowserBinding(cookieValue: Substring(browserID)))
            let answer = try await browser.post(
                "/authorize/consent",
                [
                    ("csrf", binding.csrfToken(for: tampered, keys: flow.keys)), ("request", tampered),
                    ("action", "allow"),
                ]
            )
            #expect(answer.status == .badRequest)
            #expect(answer.header("Location") == nil)
        }
        #expect(self.noCodeIssued(harness))
    }

    @Test func sealedRequestOfAnotherDeploymentIsRefused() async throws {
        // Two deployments with the same keys (one store): a request sealed for one is refused by the other.
        let harness = try await SignInFixture.harness()
        let flow = SignInFlow(server: harness.server)
        let browser = BrowserBinding.generate()
        let known = try #require(try await harness.server.clients.client(id: SignInFixture.clientID))
        var pending = try #require(
            flow.requests.open(
                flow.requests.seal(
                    PendingAuthorization(
                        try AuthorizationRequest(
                            query: AuthorizationQuery(
                                rawQuery: String(SignInFixture.authorizeURI().split(separator: "?")[1])
                            ),
                            client: AuthorizationClient(
                                id: SignInFixture.clientID,
                                redirectURIs: [SignInFixture.redirectURI],
                                scopes: OAuthScope.all
                            ),
                            mcpURL: AuthHarness.base + "/mcp",
                            issuer: AuthHarness.base
                        ),
                        client: known,
                        browserHash: browser.hash,
                        expiresAt: harness.server.now().addingTimeInterval(600)
                    )
                )
            )
        )
        pending.resource = "https://staging.example/mcp"
        let sealed = flow.requests.seal(pending)
        #expect(throws: SignInPageError.self) {
            try flow.openRequest(sealed, browser: browser, urls: ServerURLs(base: AuthHarness.base), now: Date())
        }
        pending.resource = AuthHarness.base + "/mcp"
        let ours = flow.requests.seal(pending)
        #expect(
            try flow.openRequest(ours, browser: browser, urls: ServerURLs(base: AuthHarness.base), now: Date())
                == pending
        )
        #expect(throws: SignInPageError.self) {
            try flow.openRequest(ours, browser: .generate(), urls: ServerURLs(base: AuthHarness.base), now: Date())
        }
    }

    @Test func repeatedFieldsWrongContentTypeAndLargeBodiesAreRefused() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var (browser, consent) = try await self.atConsent(harness, client)
            let csrf = try consent.hiddenField("csrf")
            let sealed = try consent.hiddenField("request")
            let repeated = try await browser.post(
                "/authorize/consent",
                [("csrf", csrf), ("request", sealed), ("action", "deny"), ("action", "allow")]
            )
            #expect(repeated.status == .badRequest)
            #expect(repeated.header("Location") == nil)
            let large = try await browser.post(
                "/authorize/consent",
                [
                    ("csrf", csrf), ("request", sealed), ("action", "allow"),
                    ("pad", String(repeating: "x", count: 40_000)),
                ]
            )
            #expect(large.status == .contentTooLarge)
            var headers = browser.cookieHeader
            headers["Content-Type"] = "application/json"
            headers["Origin"] = "http://mcp.test"
            let json = try await client.request(.post, "/authorize/consent", headers: headers, body: "{}")
            #expect(json.status == .badRequest)
            let neither = try await browser.consent("maybe", on: consent)
            #expect(neither.status == .badRequest)
        }
        #expect(self.noCodeIssued(harness))
    }
}
