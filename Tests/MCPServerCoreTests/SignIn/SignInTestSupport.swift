import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPWire
import NIOConcurrencyHelpers

@testable import MCPServerCore

/// A clock the sign-in tests move by hand.
struct SignInTestClock: Sendable {
    private let box: NIOLockedValueBox<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { self.box = NIOLockedValueBox(start) }

    var now: Date { self.box.withLockedValue { $0 } }
    func advance(seconds: TimeInterval) { self.box.withLockedValue { $0.addTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

/// The fixed parts of the sign-in tests: a public client registered for the authorization code grant with a
/// loopback redirect (a native host), a confidential client with the same redirect and a public client with an
/// https redirect (the two whose remembered consent may issue codes without a page), a person with a cost-4
/// bcrypt password, and a PKCE pair.
enum SignInFixture {
    static let clientID = "signin-test-client"
    static let confidentialClientID = "signin-confidential-client"
    static let webClientID = "signin-web-client"
    static let webRedirectURI = "https://app.example/callback"
    static let clientName = "Test <Editor> & Co"
    static let redirectURI = "http://127.0.0.1/callback"
    static let redirectAtPort = "http://127.0.0.1:53124/callback"
    static let username = "alice"
    static let password = "correct horse battery"
    static let verifier = String(repeating: "v", count: 43) + "erifier"
    static var challenge: String { Base64.encode(Array(SHA256.hash(data: Array(Self.verifier.utf8))), .url) }
    static let state = "st&ate=1 +/%"

    /// A harness with the fixture's client and person, bcrypt at cost 4, and `clock`.
    static func harness(
        clock: SignInTestClock = SignInTestClock(),
        signIn: SignInConfiguration = SignInConfiguration(),
        base: String = AuthHarness.base,
        store: InMemoryServerStore? = nil,
        trustedProxies: [IPNetwork] = [],
        documents: (any ClientMetadataDocumentSource)? = nil,
        upstream: (any UpstreamIdentityProvider)? = nil
    ) async throws -> AuthHarness {
        let harness = try await AuthHarness.make(
            configuration: AuthConfiguration(signIn: signIn),
            base: base,
            store: store ?? InMemoryServerStore(),
            trustedProxies: trustedProxies,
            // A limiter of its own: the process-wide one is sized for a server, and the suites' parallel set-ups
            // would fill it and be refused as "busy".
            passwords: try PasswordHasher(cost: 4, admission: ConcurrencyLimiter(maxRunning: 4, maxWaiting: 64)),
            documents: documents,
            upstream: upstream,
            now: clock.function
        )
        // A second deployment on a shared store finds the fixture's clients and person already there.
        guard store == nil else { return harness }
        try await Self.addClient(to: harness.store, now: clock.now)
        try await Self.addClient(
            to: harness.store,
            id: Self.confidentialClientID,
            authMethod: "client_secret_basic",
            now: clock.now
        )
        try await Self.addClient(
            to: harness.store,
            id: Self.webClientID,
            redirectURI: Self.webRedirectURI,
            now: clock.now
        )
        try await Self.addPerson(to: harness, now: clock.now)
        return harness
    }

    static func addClient(
        to store: InMemoryServerStore,
        id: String = SignInFixture.clientID,
        scope: String = "mcp:read mcp:tools",
        redirectURI: String = SignInFixture.redirectURI,
        authMethod: String = "none",
        now: Date
    ) async throws {
        let metadata: JSONValue = [
            "client_name": .string(Self.clientName),
            "redirect_uris": [.string(redirectURI)],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": .string(authMethod),
            "scope": .string(scope),
        ]
        try await store.insertClient(
            StoredClient(
                id: id,
                secretHash: authMethod == "none" ? "" : SecretToken.hash("signin-test-secret"),
                registrationTokenHash: SecretToken.hash(SecretToken.generate()),
                metadata: metadata,
                createdAt: now,
                updatedAt: now
            )
        )
    }

    @discardableResult
    static func addPerson(
        to harness: AuthHarness,
        id: String = "usr_alice",
        username: String = SignInFixture.username,
        password: String = SignInFixture.password,
        now: Date
    ) async throws -> StoredPerson {
        let person = StoredPerson(
            id: id,
            username: username,
            displayName: "Alice <A>",
            passwordHash: try await harness.server.passwords.hash(password),
            createdAt: now,
            updatedAt: now
        )
        try await harness.store.insertPerson(person)
        return person
    }

    /// The `/authorize` query of a valid request, with `extra` parameters appended (raw, already encoded).
    static func authorizeURI(
        clientID: String = SignInFixture.clientID,
        redirectURI: String = SignInFixture.redirectAtPort,
        scope: String? = "mcp:tools",
        extra: String = "",
        path: String = "/authorize"
    ) -> String {
        var parameters = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
            ("code_challenge", Self.challenge), ("code_challenge_method", "S256"), ("state", Self.state),
            ("resource", AuthHarness.base + "/mcp"),
        ]
        if let scope { parameters.append(("scope", scope)) }
        let query = parameters.map { "\($0)=\(AuthorizationResponseURL.encode($1))" }.joined(separator: "&")
        return path + "?" + query + extra
    }
}

/// A browser over the in-process router: keeps the cookies the server sets and sends them back, and reads the
/// hidden fields of the page it was last shown.
struct SignInTestBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// Sent as `Origin` with every POST, as a browser does; `nil` sends none.
    var origin: String? = "http://mcp.test"
    /// Sent as `X-Forwarded-For` with every request: the caller's address behind a trusted proxy.
    var forwardedFor: String?

    init(_ client: any TestClientProtocol, forwardedFor: String? = nil) {
        self.client = client
        self.forwardedFor = forwardedFor
    }

    mutating func get(_ uri: String) async throws -> HTTPAnswer {
        var headers = self.cookieHeader
        if let forwardedFor { headers["X-Forwarded-For"] = forwardedFor }
        let answer = try await self.client.request(.get, uri, headers: headers)
        self.keepCookies(answer)
        return answer
    }

    /// POSTs `fields` as a form, with the cookies and `Origin` unless told otherwise.
    mutating func post(
        _ uri: String,
        _ fields: [(String, String)],
        origin: String?? = .none,
        withCookies: Bool = true
    ) async throws -> HTTPAnswer {
        var headers = withCookies ? self.cookieHeader : [:]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if let origin = origin ?? self.origin { headers["Origin"] = origin }
        if let forwardedFor { headers["X-Forwarded-For"] = forwardedFor }
        let body = fields.map { "\(AuthorizationResponseURL.encode($0))=\(AuthorizationResponseURL.encode($1))" }
            .joined(separator: "&")
        let answer = try await self.client.request(.post, uri, headers: headers, body: body)
        self.keepCookies(answer)
        return answer
    }

    /// Signs in on the sign-in page `page` shows.
    mutating func signIn(
        from page: HTTPAnswer,
        username: String = SignInFixture.username,
        password: String = SignInFixture.password
    ) async throws -> HTTPAnswer {
        try await self.post(
            "/authorize/sign-in",
            [
                ("csrf", try page.hiddenField("csrf")), ("request", try page.hiddenField("request")),
                ("username", username), ("password", password),
            ]
        )
    }

    /// Answers the consent page `page` shows.
    mutating func consent(_ action: String, on page: HTTPAnswer) async throws -> HTTPAnswer {
        try await self.post(
            "/authorize/consent",
            [
                ("csrf", try page.hiddenField("csrf")), ("request", try page.hiddenField("request")),
                ("action", action),
            ]
        )
    }

    var cookieHeader: [String: String] {
        guard !self.cookies.isEmpty else { return [:] }
        return ["Cookie": self.cookies.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: "; ")]
    }

    private mutating func keepCookies(_ answer: HTTPAnswer) {
        for header in answer.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            self.cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
    }
}

extension HTTPAnswer {
    /// The value of the page's hidden field `name`.
    func hiddenField(_ name: String) throws -> String {
        let marker = #"<input type="hidden" name="\#(name)" value=""#
        guard let start = self.body.range(of: marker) else {
            throw HarnessError.unexpected("no hidden field \(name) in: \(self.body.prefix(2000))")
        }
        let rest = self.body[start.upperBound...]
        return String(rest.prefix { $0 != "\"" })
    }

    /// The redirect's query parameters (decoded), when this is a redirect.
    var redirectParameters: [String: String] {
        guard let location = self.header("Location"), let query = location.split(separator: "?", maxSplits: 1).last,
            location.contains("?"), let pairs = FormURLEncoded.parse(Array(query.utf8))
        else { return [:] }
        return Dictionary(pairs.map { ($0.name, $0.value) }) { first, _ in first }
    }

    var isSignInPage: Bool { self.body.contains(#"action="http://mcp.test/authorize/sign-in""#) }
    var isConsentPage: Bool { self.body.contains(#"action="http://mcp.test/authorize/consent""#) }
}
