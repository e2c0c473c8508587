import Foundation
import MCPServerCore
import MCPWire
import Testing

/// A person signs in through API Gateway: HTML pages as text, `Set-Cookie` in payload 2.0's `cookies` array (never
/// folded), the browser's cookies arriving in the event's `cookies` array (2.0) or as a `Cookie` header (1.0), 303
/// redirects with `Location`, and every URL under the stage prefix.
@Suite("Lambda function: sign-in through API Gateway", .timeLimit(.minutes(1)))
struct LambdaSignInFlowTests {
    /// A PKCE pair: the challenge is base64url(SHA-256(verifier)), computed once outside the test.
    static let verifier = "lambda-sign-in-test-verifier-0123456789-abcdefghijk"
    static let challenge = "M_LBNoUKA_Eawrf9yLpLxX96uBn6sFOSuqVrQ9ci91g"
    static let redirectURI = "http://127.0.0.1/callback"
    static let origin = "https://" + LambdaEvents.apiDomain

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(Self.encoded($0))=\(Self.encoded($1))" }.joined(separator: "&")
    }

    /// The value of the page's hidden field `name`.
    static func hiddenField(_ name: String, in html: String) throws -> String {
        let marker = #"<input type="hidden" name="\#(name)" value=""#
        let start = try #require(html.range(of: marker), "no hidden field \(name)")
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    /// The `name=value` pairs of a response's cookies, as a browser keeps them.
    static func cookiePairs(_ answer: LambdaAnswer) -> [String] {
        let cookies = answer.document["cookies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return cookies.map { String($0.split(separator: ";")[0]) }
    }

    @Test("authorize, sign in and consent on an HTTP API stage; the code redeems at /token")
    func passwordSignInOnAStage() async throws {
        try await LambdaFunctionHarness.run { function in
            let base = LambdaEvents.apiBase
            let registration = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/dcr",
                    body: #"""
                        {"client_name":"Cursor","application_type":"native","token_endpoint_auth_method":"none",
                         "grant_types":["authorization_code","refresh_token"],"redirect_uris":["\#(Self.redirectURI)"]}
                        """#
                )
            )
            #expect(registration.status == 201, "\(registration.body)")
            let clientID = try #require(registration.json["client_id"]?.stringValue)
            try await function.store.insertPerson(
                StoredPerson(
                    id: "usr_ada",
                    username: "ada",
                    displayName: "Ada",
                    passwordHash: try await PasswordHasher(cost: 4).hash("correct horse battery"),
                    createdAt: Date(),
                    updatedAt: Date()
                )
            )

            // The authorization request, as the host's browser sends it: a page, as text, with its cookie apart.
            let query = Self.form([
                ("response_type", "code"), ("client_id", clientID), ("redirect_uri", Self.redirectURI),
                ("code_challenge", Self.challenge), ("code_challenge_method", "S256"), ("state", "s1"),
                ("scope", "mcp:read"), ("resource", base + "/mcp"),
            ])
            let page = try await function.response(
                to: LambdaEvents.httpAPI("GET", "/authorize")
                    .setting("rawQueryString", to: .string(query))
                    .setting("cookies", to: [])
            )
            #expect(page.status == 200, "\(page.body)")
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.document["isBase64Encoded"] == false)
            #expect(page.header("content-security-policy")?.contains("frame-ancestors 'none'") == true)
            #expect(page.header("set-cookie") == nil, "payload 2.0 wants cookies in the cookies array")
            var cookies = Self.cookiePairs(page)
            #expect(!cookies.isEmpty)
            // Forms post under the stage, where API Gateway routes them.
            #expect(page.body.contains(#"action="\#(base)/authorize/sign-in""#), "\(page.body.prefix(3000))")

            // Sign in (payload 2.0): the cookies come back in the event's cookies array.
            let consent = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/authorize/sign-in",
                    body: Self.form([
                        ("csrf", try Self.hiddenField("csrf", in: page.body)),
                        ("request", try Self.hiddenField("request", in: page.body)),
                        ("username", "ada"), ("password", "correct horse battery"),
                    ]),
                    headers: ["content-type": "application/x-www-form-urlencoded", "origin": Self.origin]
                ).setting("cookies", to: .array(cookies.map(JSONValue.string)))
            )
            #expect(consent.status == 200, "\(consent.body)")
            #expect(consent.body.contains(#"action="\#(base)/authorize/consent""#))
            let newCookies = Self.cookiePairs(consent)
            #expect(!newCookies.isEmpty, "the session cookie")
            cookies += newCookies

            // Consent (payload 1.0, as a REST API sends it): the cookies in one Cookie header, the answer a 303.
            let granted = try await function.response(
                to: LambdaEvents.restAPI(
                    "POST",
                    "/authorize/consent",
                    body: Self.form([
                        ("csrf", try Self.hiddenField("csrf", in: consent.body)),
                        ("request", try Self.hiddenField("request", in: consent.body)),
                        ("action", "allow"),
                    ]),
                    headers: [
                        "Content-Type": ["application/x-www-form-urlencoded"], "Origin": [Self.origin],
                        "Cookie": [cookies.joined(separator: "; ")],
                    ]
                )
            )
            #expect(granted.status == 303, "\(granted.body)")
            let location = try #require(granted.header("location"))
            #expect(location.hasPrefix(Self.redirectURI + "?"))
            let parameters = Dictionary(
                (URLComponents(string: location)?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(parameters["state"] == "s1")
            #expect(parameters["iss"] == base)
            let code = try #require(parameters["code"])

            // The host redeems the code (payload 2.0).
            let token = try await function.response(
                to: LambdaEvents.httpAPI(
                    "POST",
                    "/token",
                    body: Self.form([
                        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirectURI),
                        ("code_verifier", Self.verifier), ("client_id", clientID), ("resource", base + "/mcp"),
                    ]),
                    headers: ["content-type": "application/x-www-form-urlencoded"]
                )
            )
            #expect(token.status == 200, "\(token.body)")
            let accessToken = try #require(token.json["access_token"]?.stringValue)
            #expect(token.json["refresh_token"]?.stringValue != nil)
            let call = try await function.response(to: LambdaEvents.mcp("tools/list", token: accessToken))
            #expect(call.status == 200, "\(call.body)")
        }
    }

    @Test("an unknown client is an error page, not a redirect")
    func errorsAboutTheClientArePages() async throws {
        try await LambdaFunctionHarness.run { function in
            let query = Self.form([
                ("response_type", "code"), ("client_id", "mcp_unknown"), ("redirect_uri", "https://evil.example/cb"),
                ("code_challenge", Self.challenge), ("code_challenge_method", "S256"),
            ])
            let page = try await function.response(
                to: LambdaEvents.httpAPI("GET", "/authorize").setting("rawQueryString", to: .string(query))
            )
            #expect(page.status == 400, "\(page.body)")
            #expect(page.header("location") == nil)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.document["isBase64Encoded"] == false)
        }
    }
}
