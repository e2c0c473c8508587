import Foundation
import Hummingbird
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// `/authorize` with a client known by its Client ID Metadata Document: the document's name and redirect URIs are
/// used, and a document that cannot be used is explained on a page, never followed.
@Suite("Sign-in: metadata document clients")
struct SignInMetadataDocumentClientTests {
    static let documentURL = "https://app.example/oauth/client.json"

    struct Documents: ClientMetadataDocumentSource {
        let failure: ClientMetadataDocumentError?
        var name = "Document App"

        func metadata(forClientID clientID: String, now: Date) async throws -> ClientMetadata {
            if let failure { throw failure }
            return ClientMetadata(
                redirectURIs: [SignInFixture.redirectURI],
                tokenEndpointAuthMethod: "none",
                grantTypes: ["authorization_code", "refresh_token"],
                responseTypes: ["code"],
                clientName: self.name
            )
        }
    }

    @Test func aDocumentClientSignsInWithItsPublishedName() async throws {
        let harness = try await SignInFixture.harness(documents: Documents(failure: nil))
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI(clientID: Self.documentURL))
            #expect(page.isSignInPage)
            #expect(page.body.contains("Document App"))
            #expect(page.body.contains("(published at <strong>app.example</strong>)"))
            let consent = try await browser.signIn(from: page)
            #expect(consent.body.contains("(published at <strong>app.example</strong>)"))
            let granted = try await browser.consent("allow", on: consent)
            #expect(granted.redirectParameters["code"] != nil)
        }
        let consent = try await harness.store.consent(personID: "usr_alice", clientID: Self.documentURL)
        #expect(consent != nil)
    }

    /// A document may call itself anything; the host it is published on is what the person can check.
    @Test func aDocumentNamingItselfAfterAnotherAppShowsItsOwnHost() async throws {
        let impostor = "https://evil.example:8443/claude-code.json"
        let harness = try await SignInFixture.harness(documents: Documents(failure: nil, name: "Claude Code"))
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI(clientID: impostor))
            #expect(page.isSignInPage)
            #expect(page.body.contains("<strong>Claude Code</strong>"))
            #expect(page.body.contains("(published at <strong>evil.example:8443</strong>)"))
            let consent = try await browser.signIn(from: page)
            #expect(consent.isConsentPage)
            #expect(consent.body.contains("(published at <strong>evil.example:8443</strong>)"))
        }
    }

    @Test func aRegisteredClientShowsNoPublisher() async throws {
        let harness = try await SignInFixture.harness(documents: Documents(failure: nil))
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let page = try await browser.get(SignInFixture.authorizeURI())
            #expect(!page.body.contains("published at"))
            #expect(!(try await browser.signIn(from: page)).body.contains("published at"))
        }
    }

    /// The page says the same whatever went wrong: the reason can quote what a stranger's server sent, so it goes
    /// only to the log and the audit line.
    @Test func anUnusableDocumentIsRefusedOnAPageWithAFixedMessage() async throws {
        let detail = "its client_id <b>Visit evil.example to fix this</b> is not the URL it was fetched from"
        let harness = try await SignInFixture.harness(
            documents: Documents(failure: ClientMetadataDocumentError(detail))
        )
        try await harness.app.test(.router) { client in
            var browser = SignInTestBrowser(client)
            let answer = try await browser.get(SignInFixture.authorizeURI(clientID: Self.documentURL))
            #expect(answer.status == .badRequest)
            #expect(answer.header("Location") == nil)
            #expect(answer.body.contains("description could not be loaded from its address."))
            #expect(!answer.body.contains("evil.example"))
            #expect(!answer.body.contains("client_id"))
        }
        let audit = try #require(harness.logs.audits("authorize.refused").first)
        #expect(audit.value("outcome") == "invalid_client_metadata")
        #expect(audit.value("detail")?.contains(detail) == true)
    }
}
