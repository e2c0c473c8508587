import Foundation
import Testing

@testable import MCPServerCore

/// `/authorize` parameters: what is accepted, and which refusals are shown on a page (client and redirect URI
/// problems, RFC 6749 §4.1.2.1) rather than redirected with `state` and `iss` (everything else).
@Suite("Sign-in: authorization request")
struct SignInAuthorizationRequestTests {
    static let mcpURL = "https://mcp.example/prod/mcp"
    static let issuer = "https://mcp.example/prod"
    static let challenge = SignInPKCETests.rfcChallenge
    static let client = AuthorizationClient(
        id: "mcp_client1",
        redirectURIs: ["https://app.example/cb?tenant=a", "http://127.0.0.1/callback", "cursor://cursor.app/cb"],
        scopes: ["mcp:read", "mcp:tools"]
    )
    static let base: [(String, String)] = [
        ("response_type", "code"),
        ("client_id", "mcp_client1"),
        ("redirect_uri", "https://app.example/cb?tenant=a"),
        ("state", "st-123"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("scope", "mcp:read"),
        ("resource", mcpURL),
    ]

    /// `base` with `changes` applied: a nil value removes the parameter, a value replaces it (or adds it).
    static func pairs(
        _ changes: [(String, String?)] = [],
        adding extra: [(String, String)] = []
    ) -> [(
        name: String, value: String
    )] {
        var pairs = Self.base
        for (name, value) in changes {
            if let index = pairs.firstIndex(where: { $0.0 == name }) {
                if let value { pairs[index].1 = value } else { pairs.remove(at: index) }
            } else if let value {
                pairs.append((name, value))
            }
        }
        return (pairs + extra).map { (name: $0.0, value: $0.1) }
    }

    static func parse(
        _ changes: [(String, String?)] = [],
        adding extra: [(String, String)] = [],
        client: AuthorizationClient? = Self.client
    ) throws(AuthorizationError) -> AuthorizationRequest {
        try AuthorizationRequest(
            query: AuthorizationQuery(pairs: Self.pairs(changes, adding: extra)),
            client: client,
            mcpURL: Self.mcpURL,
            issuer: Self.issuer
        )
    }

    static func error(
        _ changes: [(String, String?)] = [],
        adding extra: [(String, String)] = [],
        client: AuthorizationClient? = Self.client
    ) -> AuthorizationError? {
        do {
            _ = try Self.parse(changes, adding: extra, client: client)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Accepted

    @Test func acceptsACompleteRequest() throws {
        let request = try Self.parse(adding: [("nonce", "n-1"), ("unknown_extension", "ignored")])
        #expect(request.clientID == "mcp_client1")
        #expect(request.redirectURI == "https://app.example/cb?tenant=a")
        #expect(request.redirectURIKind == .https)
        #expect(request.state == "st-123")
        #expect(request.codeChallenge == Self.challenge)
        #expect(request.scopes == ["mcp:read"])
        #expect(request.resource == Self.mcpURL)
        #expect(request.nonce == "n-1")
    }

    @Test func parsesARawQuery() throws {
        let raw =
            "response_type=code&client_id=mcp_client1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Ftenant%3Da"
            + "&state=a+b%2Bc&code_challenge=\(Self.challenge)&code_challenge_method=S256"
            + "&resource=https%3A%2F%2Fmcp.example%2Fprod%2Fmcp"
        let query = try AuthorizationQuery(rawQuery: raw)
        #expect(query.clientID == "mcp_client1")
        let request = try AuthorizationRequest(
            query: query,
            client: Self.client,
            mcpURL: Self.mcpURL,
            issuer: Self.issuer
        )
        #expect(request.state == "a b+c")
        #expect(request.redirectURI == "https://app.example/cb?tenant=a")
    }

    @Test func loopbackRedirectKeepsThePortTheClientListensOn() throws {
        let request = try Self.parse([("redirect_uri", "http://127.0.0.1:51004/callback")])
        #expect(request.redirectURI == "http://127.0.0.1:51004/callback")
        #expect(request.redirectURIKind == .loopback)
        let native = try Self.parse([("redirect_uri", "cursor://cursor.app/cb")])
        #expect(native.redirectURIKind == .privateUse)
    }

    @Test func optionalParametersHaveDefaults() throws {
        let request = try Self.parse([("state", nil), ("scope", nil), ("resource", nil)])
        #expect(request.state == nil)
        #expect(request.scopes == ["mcp:read", "mcp:tools"])
        #expect(request.resource == Self.mcpURL)
        #expect(request.nonce == nil)
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        let empty = try Self.parse([("state", ""), ("scope", ""), ("resource", "")])
        #expect(empty.state == nil)
        #expect(empty.scopes == ["mcp:read", "mcp:tools"])
    }

    @Test func offlineAccessIsDroppedNotRefused() throws {
        #expect(try Self.parse([("scope", "offline_access mcp:tools")]).scopes == ["mcp:tools"])
        #expect(try Self.parse([("scope", "offline_access")]).scopes == ["mcp:read", "mcp:tools"])
    }

    @Test(arguments: [
        "https://mcp.example/prod/mcp", "https://mcp.example/prod/mcp/", "HTTPS://MCP.example/prod/mcp",
    ])
    func resourceSpellingsTokenAccepts(resource: String) throws {
        // Stored canonically, so the code and the token it becomes carry one spelling.
        #expect(try Self.parse([("resource", resource)]).resource == Self.mcpURL)
    }

    // MARK: - Shown on a page, never redirected

    @Test(
        arguments: [
            ([("client_id", nil)], "invalid_request", "client_id is required"),
            ([("client_id", "")], "invalid_request", "client_id is required"),
            ([("client_id", "mcp_other")], "invalid_client", "not known"),
            ([("redirect_uri", nil)], "invalid_request", "redirect_uri is required"),
            ([("redirect_uri", "https://evil.example/cb")], "invalid_request", "not registered"),
            ([("redirect_uri", "https://app.example/cb")], "invalid_request", "not registered"),
            ([("redirect_uri", "https://app.example/cb?tenant=a&x")], "invalid_request", "not registered"),
            ([("redirect_uri", "https://app.example/cb?tenant=a#f")], "invalid_request", "not registered"),
            ([("redirect_uri", "http://127.0.0.1:5000/callback/")], "invalid_request", "not registered"),
            ([("redirect_uri", "http://localhost:5000/callback")], "invalid_request", "not registered"),
            ([("redirect_uri", "javascript:alert(1)")], "invalid_request", "not registered"),
            // A page error wins over any other problem in the same request.
            (
                [("redirect_uri", "https://evil.example/cb"), ("response_type", "token")], "invalid_request",
                "not registered"
            ),
            ([("client_id", "mcp_other"), ("code_challenge_method", "plain")], "invalid_client", "not known"),
        ] as [([(String, String?)], String, String)]
    )
    func clientAndRedirectErrorsAreShown(changes: [(String, String?)], error: String, fragment: String) {
        let refusal = Self.error(changes)
        guard case .showOnPage(let code, let description) = refusal else {
            Issue.record("expected a page error, got \(String(describing: refusal))")
            return
        }
        #expect(code == error)
        #expect(description.contains(fragment), "\(description)")
        #expect(refusal?.redirectURL == nil)
    }

    @Test func unknownClientIsShown() {
        #expect(
            Self.error(client: nil)
                == .showOnPage(error: "invalid_client", description: "this client is not known to the server")
        )
    }

    @Test(arguments: [("client_id", "mcp_client1"), ("redirect_uri", "https://app.example/cb?tenant=a")])
    func repeatedClientOrRedirectIsShown(name: String, value: String) {
        // Even with the same value twice: which one to trust is not this server's guess to make.
        let refusal = Self.error(adding: [(name, value)])
        #expect(refusal == .showOnPage(error: "invalid_request", description: "\(name) appears more than once"))
    }

    @Test(arguments: ["%zz", "client_id=%E9", String(repeating: "a", count: AuthorizationQuery.maxBytes + 1)])
    func malformedQueriesAreShown(raw: String) {
        var refusal: AuthorizationError?
        do {
            _ = try AuthorizationQuery(rawQuery: raw)
        } catch {
            refusal = error
        }
        guard case .showOnPage(let code, _) = refusal else {
            Issue.record("expected a page error, got \(String(describing: refusal))")
            return
        }
        #expect(code == "invalid_request")
    }

    // MARK: - Redirected with state and iss

    @Test(
        arguments: [
            ([("response_type", nil)], "invalid_request", "response_type is required"),
            ([("response_type", "token")], "unsupported_response_type", "code"),
            ([("response_type", "code id_token")], "unsupported_response_type", "code"),
            ([("code_challenge", nil)], "invalid_request", "code_challenge is required"),
            ([("code_challenge_method", nil)], "invalid_request", "must be S256"),
            ([("code_challenge_method", "plain")], "invalid_request", "plain is not supported"),
            (
                [("code_challenge_method", "plain"), ("code_challenge", SignInPKCETests.rfcVerifier)],
                "invalid_request", "plain"
            ),
            ([("code_challenge", "short")], "invalid_request", "43 base64url"),
            ([("scope", "mcp:admin")], "invalid_scope", "mcp:admin"),
            ([("scope", "mcp:read other")], "invalid_scope", "other"),
            ([("resource", "https://other.example/mcp")], "invalid_target", mcpURL),
            ([("resource", "https://mcp.example/prod/mcp#x")], "invalid_target", mcpURL),
            ([("resource", "https://mcp.example/prod/mcp?x=1")], "invalid_target", mcpURL),
            ([("resource", "https://mcp.example/prod")], "invalid_target", mcpURL),
            ([("resource", "mcp")], "invalid_target", mcpURL),
            ([("response_mode", "fragment")], "invalid_request", "response_mode"),
            ([("request", "eyJ...")], "request_not_supported", "request"),
            ([("request_uri", "urn:x")], "request_uri_not_supported", "request_uri"),
            ([("nonce", String(repeating: "n", count: 1025))], "invalid_request", "nonce"),
        ] as [([(String, String?)], String, String)]
    )
    func otherErrorsRedirectWithStateAndIss(changes: [(String, String?)], error: String, fragment: String) throws {
        let refusal = Self.error(changes)
        guard case .redirect(let code, let description, let state, let redirectURI, let iss) = refusal else {
            Issue.record("expected a redirect, got \(String(describing: refusal))")
            return
        }
        #expect(code == error)
        #expect(description.contains(fragment), "\(description)")
        #expect(state == "st-123")
        #expect(redirectURI == "https://app.example/cb?tenant=a")
        #expect(iss == Self.issuer)
        let url = try #require(refusal?.redirectURL)
        let items = try #require(URLComponents(string: url)?.queryItems)
        #expect(items.map(\.name) == ["tenant", "error", "error_description", "state", "iss"])
        #expect(items.first { $0.name == "error" }?.value == error)
        #expect(items.first { $0.name == "iss" }?.value == Self.issuer)
    }

    @Test func redirectGoesToThePresentedLoopbackPort() {
        let refusal = Self.error([("redirect_uri", "http://127.0.0.1:40000/callback"), ("code_challenge", nil)])
        guard case .redirect(_, _, _, let redirectURI, _) = refusal else {
            Issue.record("expected a redirect")
            return
        }
        #expect(redirectURI == "http://127.0.0.1:40000/callback")
        #expect(refusal?.redirectURL?.hasPrefix("http://127.0.0.1:40000/callback?error=invalid_request&") == true)
    }

    @Test(arguments: [
        "response_type", "code_challenge", "code_challenge_method", "scope", "nonce", "response_mode", "prompt",
    ])
    func repeatedParametersRedirectInvalidRequest(name: String) {
        let refusal = Self.error(adding: [(name, "x"), (name, "y")])
        #expect(refusal?.error == "invalid_request")
        #expect(refusal?.description == "\(name) appears more than once")
        #expect(refusal?.redirectURL != nil)
    }

    @Test func repeatedResourceIsInvalidTarget() {
        let refusal = Self.error(adding: [("resource", Self.mcpURL)])
        #expect(refusal?.error == "invalid_target")
        #expect(refusal?.redirectURL != nil)
    }

    @Test func clientWithoutTheCodeGrantIsUnauthorized() {
        var client = Self.client
        client.mayUseAuthorizationCode = false
        let refusal = Self.error(client: client)
        #expect(refusal?.error == "unauthorized_client")
        #expect(refusal?.redirectURL != nil)
    }

    /// A state that cannot be echoed safely is refused without being echoed.
    @Test(arguments: [String(repeating: "s", count: 1025), "tab\there", "line\nbreak", "café"])
    func unusableStateIsNotEchoed(state: String) {
        let refusal = Self.error([("state", state)])
        guard case .redirect(let code, _, let echoed, _, _) = refusal else {
            Issue.record("expected a redirect")
            return
        }
        #expect(code == "invalid_request")
        #expect(echoed == nil)
        #expect(refusal?.redirectURL?.contains("state=") == false)
    }

    @Test func repeatedStateIsNotEchoed() {
        let refusal = Self.error(adding: [("state", "other")])
        guard case .redirect(let code, _, let echoed, _, _) = refusal else {
            Issue.record("expected a redirect")
            return
        }
        #expect(code == "invalid_request")
        #expect(echoed == nil)
    }

    @Test func missingStateIsNotInvented() {
        let refusal = Self.error([("state", nil), ("response_type", "token")])
        #expect(refusal?.redirectURL?.contains("state=") == false)
        #expect(refusal?.redirectURL?.contains("iss=") == true)
    }

    // MARK: - Properties

    /// Any visible-ASCII state of 1-1024 characters is accepted and comes back byte for byte, on success
    /// and on a redirected error.
    @Test func anyValidStateIsEchoedExactly() throws {
        var random = SignInRandom(seed: 9207)
        for _ in 0..<300 {
            let state = random.visibleASCII(
                count: Int.random(in: 1...AuthorizationRequest.maxStateLength, using: &random)
            )
            let request = try Self.parse([("state", state)])
            #expect(request.state == state)

            let success = AuthorizationResponseURL.success(
                redirectURI: request.redirectURI,
                code: "c",
                state: request.state,
                issuer: Self.issuer
            )
            let items = try #require(URLComponents(string: success)?.queryItems)
            #expect(items.first { $0.name == "state" }?.value == state, "\(state)")

            let refusal = Self.error([("state", state), ("code_challenge_method", "plain")])
            let errorItems = try #require(refusal?.redirectURL.flatMap { URLComponents(string: $0)?.queryItems })
            #expect(errorItems.first { $0.name == "state" }?.value == state, "\(state)")
        }
    }

    /// Whatever else is wrong, a request for an unknown client or with an unregistered redirect URI is
    /// never redirected.
    @Test func badClientOrRedirectIsNeverRedirected() {
        var random = SignInRandom(seed: 4121)
        let spoilers: [(String, String?)] = [
            ("response_type", "token"), ("code_challenge", nil), ("code_challenge_method", "plain"),
            ("scope", "nope"), ("resource", "https://other.example/mcp"),
            ("state", String(repeating: "s", count: 2000)),
        ]
        let badRedirects = [
            "https://evil.example/cb", "https://app.example/cb?tenant=a/", "http://127.0.0.1:1/callback/x",
            "https://app.example/cb?tenant=a#", "data:text/html,x", "",
        ]
        for _ in 0..<300 {
            var changes = (0..<Int.random(in: 0...3, using: &random)).map { _ in spoilers.randomElement(using: &random)!
            }
            let client: AuthorizationClient?
            if Bool.random(using: &random) {
                changes.append(("redirect_uri", badRedirects.randomElement(using: &random)!))
                client = Self.client
            } else {
                client = [
                    nil, AuthorizationClient(id: "mcp_other", redirectURIs: Self.client.redirectURIs, scopes: []),
                ]
                .randomElement(using: &random)!
            }
            let refusal = Self.error(changes, client: client)
            #expect(refusal?.redirectURL == nil, "\(changes) \(String(describing: client))")
            if case .showOnPage = refusal {} else { Issue.record("not shown: \(String(describing: refusal))") }
        }
    }
}
