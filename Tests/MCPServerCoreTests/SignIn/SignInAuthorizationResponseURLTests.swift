import Foundation
import Testing

@testable import MCPServerCore

/// The redirect back to the client: parameters appended to the registered URI's own query, encoded so that
/// `state` comes back byte for byte, with `iss` on success and on errors.
@Suite("Sign-in: authorization response URL")
struct SignInAuthorizationResponseURLTests {
    static let issuer = "https://as.example/prod"

    @Test(arguments: [
        ("https://app.example/cb", "https://app.example/cb?code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"),
        (
            "https://app.example/cb?tenant=a",
            "https://app.example/cb?tenant=a&code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"
        ),
        ("https://app.example/cb?", "https://app.example/cb?code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"),
        (
            "https://app.example/cb?tenant=a&",
            "https://app.example/cb?tenant=a&code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"
        ),
        (
            "http://127.0.0.1:51004/callback",
            "http://127.0.0.1:51004/callback?code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"
        ),
        (
            "com.example.app:/oauth2redirect",
            "com.example.app:/oauth2redirect?code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"
        ),
        (
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "cursor://anysphere.cursor-mcp/oauth/callback?code=abc&state=xyz&iss=https%3A%2F%2Fas.example%2Fprod"
        ),
    ])
    func success(redirectURI: String, expected: String) {
        let url = AuthorizationResponseURL.success(
            redirectURI: redirectURI,
            code: "abc",
            state: "xyz",
            issuer: Self.issuer
        )
        #expect(url == expected)
    }

    @Test func successWithoutStateOmitsIt() {
        let url = AuthorizationResponseURL.success(
            redirectURI: "https://app.example/cb",
            code: "abc",
            state: nil,
            issuer: Self.issuer
        )
        #expect(url == "https://app.example/cb?code=abc&iss=https%3A%2F%2Fas.example%2Fprod")
    }

    @Test func errorCarriesErrorDescriptionStateAndIss() throws {
        let url = AuthorizationResponseURL.error(
            redirectURI: "https://app.example/cb?tenant=a",
            error: "invalid_request",
            description: "code_challenge_method plain is not supported; use S256",
            state: "s 1+2",
            issuer: Self.issuer
        )
        #expect(
            url
                == "https://app.example/cb?tenant=a&error=invalid_request"
                + "&error_description=code_challenge_method%20plain%20is%20not%20supported%3B%20use%20S256"
                + "&state=s%201%2B2&iss=https%3A%2F%2Fas.example%2Fprod"
        )
        let items = try #require(URLComponents(string: url)?.queryItems)
        #expect(items.first { $0.name == "state" }?.value == "s 1+2")
        #expect(items.first { $0.name == "tenant" }?.value == "a")
    }

    @Test func errorWithoutDescriptionOrState() {
        let url = AuthorizationResponseURL.error(
            redirectURI: "https://app.example/cb",
            error: "access_denied",
            description: nil,
            state: nil,
            issuer: "https://as.example"
        )
        #expect(url == "https://app.example/cb?error=access_denied&iss=https%3A%2F%2Fas.example")
    }

    /// RFC 6749 §4.1.2.1 limits `error_description` to printable ASCII without `"` and `\`.
    @Test func descriptionIsReducedToItsAllowedCharacters() {
        #expect(
            AuthorizationResponseURL.sanitizedDescription("scope \"é\\x\"\n\u{7F} ok!#")
                == "scope ???x??? ok!#"
        )
        let url = AuthorizationResponseURL.error(
            redirectURI: "https://app.example/cb",
            error: "invalid_scope",
            description: "scope 'é' is \"bad\"",
            state: nil,
            issuer: Self.issuer
        )
        #expect(url.contains("error_description=scope%20%27%3F%27%20is%20%3Fbad%3F&"))
    }

    /// Any state, any code and any issuer come back unchanged through both a form decoder (RFC 6749
    /// Appendix B) and an RFC 3986 one, after whatever query the redirect URI already had.
    @Test func anyValueRoundTrips() throws {
        var random = SignInRandom(seed: 6749)
        for _ in 0..<500 {
            let state = random.awkwardText(count: Int.random(in: 1...40, using: &random))
            let code = random.awkwardText(count: Int.random(in: 1...20, using: &random))
            let issuer = "https://as.example/" + random.awkwardText(count: 5)
            let base = ["https://app.example/cb", "https://app.example/cb?a=1", "http://127.0.0.1:9/cb?", "x.y:/cb"]
                .randomElement(using: &random)!
            let url = AuthorizationResponseURL.success(redirectURI: base, code: code, state: state, issuer: issuer)
            #expect(url.hasPrefix(base))
            // Only URI characters: nothing a browser would rewrite before following the redirect.
            #expect(url.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "#") }, "\(url)")

            let query = String(url[url.index(after: url.firstIndex(of: "?")!)...])
            let pairs = try #require(FormURLEncoded.parse(Array(query.utf8)))
            let form = Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            #expect(form["state"] == state, "\(state.debugDescription)")
            #expect(form["code"] == code)
            #expect(form["iss"] == issuer)

            let items = try #require(URLComponents(string: url)?.queryItems, "\(url)")
            #expect(items.first { $0.name == "state" }?.value == state, "\(state.debugDescription)")
            #expect(items.last?.name == "iss")
        }
    }
}
