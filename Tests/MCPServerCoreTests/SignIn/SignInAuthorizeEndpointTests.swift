import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// `GET /authorize` through the router: what is shown on a page, what is redirected, and the browser cookie.
@Suite("Sign-in: /authorize")
struct SignInAuthorizeEndpointTests {
    @Test func unregisteredRedirectURIIsShownNeverRedirected() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            for redirect in ["https://evil.example/cb", "http://127.0.0.1/other", "http://127.0.0.1.nip.io/callback"] {
                let answer = try await browser.get(SignInFixture.authorizeURI(redirectURI: redirect))
                #expect(answer.status == .badRequest)
                #expect(answer.header("Location") == nil)
                #expect(answer.body.contains("redirect_uri is not registered for this client"))
                #expect(answer.header("X-Frame-Options") == "DENY")
            }
        }
        #expect(harness.logs.audits("authorize.refused").count == 3)
    }

    @Test func unknownOrMissingClientIsShownOnAPage() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let unknown = try await browser.get(SignInFixture.authorizeURI(clientID: "nobody"))
            #expect(unknown.status == .badRequest)
            #expect(unknown.header("Location") == nil)
            #expect(unknown.body.contains("this client is not known to the server"))
            let missing = try await browser.get("/authorize?response_type=code")
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("client_id is required"))
            // A URL client id with metadata documents off is an unknown client too.
            let url = try await browser.get(SignInFixture.authorizeURI(clientID: "https://app.example/client.json"))
            #expect(url.status == .badRequest)
            #expect(url.header("Location") == nil)
        }
    }

    @Test func clientWithoutTheCodeGrantIsRedirectedUnauthorized() async throws {
        let harness = try await SignInFixture.harness()
        let now = Date()
        try await harness.store.insertClient(
            StoredClient(
                id: "machine",
                secretHash: SecretToken.hash("s"),
                registrationTokenHash: SecretToken.hash("r"),
                metadata: [
                    "redirect_uris": [.string(SignInFixture.redirectURI)], "grant_types": ["client_credentials"],
                ],
                createdAt: now,
                updatedAt: now
            )
        )
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let answer = try await browser.get(SignInFixture.authorizeURI(clientID: "machine"))
            #expect(answer.status == .seeOther)
            #expect(answer.redirectParameters["error"] == "unauthorized_client")
        }
    }

    @Test(arguments: [
        ("missing", "code_challenge is required"),
        ("plain", "code_challenge_method plain is not supported"),
    ])
    func pkceMissingOrPlainIsRedirectedWithStateAndIssuer(_ variant: String, _ description: String) async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            var uri = SignInFixture.authorizeURI()
            let challenge = "code_challenge=\(SignInFixture.challenge)&code_challenge_method=S256"
            uri = uri.replacingOccurrences(
                of: challenge,
                with: variant == "plain" ? "code_challenge=\(SignInFixture.challenge)&code_challenge_method=plain" : ""
            )
            let answer = try await browser.get(uri)
            #expect(answer.status == .seeOther)
            let location = try #require(answer.header("Location"))
            #expect(location.hasPrefix(SignInFixture.redirectAtPort + "?"))
            let parameters = answer.redirectParameters
            #expect(parameters["error"] == "invalid_request")
            #expect(parameters["error_description"]?.hasPrefix(description) == true)
            #expect(parameters["state"] == SignInFixture.state)
            #expect(parameters["iss"] == AuthHarness.base)
            #expect(parameters["code"] == nil)
        }
    }

    @Test func promptNoneWithoutASessionIsLoginRequired() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let answer = try await browser.get(SignInFixture.authorizeURI(extra: "&prompt=none"))
            #expect(answer.status == .seeOther)
            #expect(answer.redirectParameters["error"] == "login_required")
            #expect(answer.redirectParameters["state"] == SignInFixture.state)
            #expect(answer.redirectParameters["iss"] == AuthHarness.base)
            let mixed = try await browser.get(SignInFixture.authorizeURI(extra: "&prompt=none%20login"))
            #expect(mixed.redirectParameters["error"] == "invalid_request")
        }
    }

    @Test func theBrowserCookieIsSetOnceAndKept() async throws {
        let harness = try await SignInFixture.harness()
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let first = try await browser.get(SignInFixture.authorizeURI())
            let cookie = try #require(first.header("Set-Cookie"))
            #expect(cookie.hasPrefix("__Host-mcp-browser="))
            #expect(cookie.contains("Max-Age=\(12 * 3600 + 600)"))
            let second = try await browser.get(SignInFixture.authorizeURI())
            #expect(second.header("Set-Cookie") == nil)
            // A cookie of another shape is not this server's: a new one is set.
            browser.cookies[SignInCookies.browser] = "not-a-browser-id"
            let third = try await browser.get(SignInFixture.authorizeURI())
            #expect(third.header("Set-Cookie")?.hasPrefix("__Host-mcp-browser=") == true)
        }
    }
}
