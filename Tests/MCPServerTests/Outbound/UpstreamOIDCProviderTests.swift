import AsyncHTTPClient
import Foundation
import Logging
import MCPWire
import NIOCore
import NIOHTTP1
import RemoteMCPTestSupport
import Testing

@testable import MCPServerCore

/// ``UpstreamOIDCProvider`` against `oidc-provider-mock` (PyPI, pinned in Tests/Interop/requirements-browser.txt),
/// an OpenID provider we did not write, on 127.0.0.1. The test is the browser: it posts the provider's authorize
/// form and reads the redirect back to the callback.
@Suite("Upstream OpenID provider (oidc-provider-mock)", .needsPython, .childProcesses, .timeLimit(.minutes(2)))
struct UpstreamOIDCProviderTests {
    static let clientID = "remote-mcp"
    static let callback = "http://127.0.0.1:9/oidc/callback"
    static let alice =
        #"{"sub":"alice","email":"alice@example.com","email_verified":true,"name":"Alice","groups":["mcp-users"]}"#
    static let bob =
        #"{"sub":"bob","email":"bob@corp.example","email_verified":true,"preferred_username":"bob","groups":["admins"]}"#

    /// A running mock provider and a store.
    struct Fixture {
        let issuer: String
        let store = InMemoryServerStore()

        func provider(
            allowedDomains: [String] = [],
            allowedEmails: [String] = [],
            groupClaim: String? = nil,
            allowedGroups: [String] = [],
            adminEmails: [String] = []
        ) throws -> UpstreamOIDCProvider {
            try UpstreamOIDCProvider(
                configuration: UpstreamProviderConfiguration(
                    issuer: self.issuer,
                    clientID: UpstreamOIDCProviderTests.clientID,
                    clientSecret: "upstream-secret",
                    allowedDomains: allowedDomains,
                    allowedEmails: allowedEmails,
                    groupClaim: groupClaim,
                    allowedGroups: allowedGroups,
                    adminEmails: adminEmails
                ),
                store: self.store,
                loginLifetime: .seconds(600),
                logger: Logger(label: "upstream-test")
            )
        }
    }

    static func withProvider(_ body: (Fixture) async throws -> Void) async throws {
        let mock = try await ChildProcess.interopHelper(
            "oidc_provider.py",
            ["--require-nonce", "--user-claims", Self.alice, "--user-claims", Self.bob]
        )
        try await body(Fixture(issuer: "http://127.0.0.1:\(mock.port)"))
    }

    /// Posts the provider's authorize form at `url` (as the person would, with `sub`, or pressing Deny) and
    /// returns the callback query the provider redirects to.
    static func authorize(_ url: String, as subject: String?) async throws -> [String: String] {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(20))
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let form = subject.map { "sub=" + FormURLEncoded.encodeComponent($0) } ?? "action=deny"
            request.body = .bytes(ByteBuffer(string: form))
            let response = try await client.execute(request, timeout: .seconds(20))
            _ = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status == .found, "the provider answered \(response.status)")
            let location = try #require(response.headers.first(name: "Location"))
            #expect(location.hasPrefix(Self.callback + "?"), "\(location)")
            let query = try #require(location.split(separator: "?", maxSplits: 1).last)
            let pairs = try #require(FormURLEncoded.parse(Array(query.utf8)))
            return Dictionary(pairs.map { ($0.name, $0.value) }) { first, _ in first }
        }
    }

    /// Begins a sign-in for `browser` and signs in at the provider as `subject`.
    static func signIn(
        _ provider: UpstreamOIDCProvider,
        as subject: String?,
        browser: String = "browser-1",
        sealed: String = "sealed-request",
        now: Date = Date()
    ) async throws -> [String: String] {
        let url = try await provider.beginSignIn(
            sealedRequest: sealed,
            browserHash: browser,
            callbackURL: Self.callback,
            now: now
        )
        return try await Self.authorize(url, as: subject)
    }

    static func finish(
        _ provider: UpstreamOIDCProvider,
        _ query: [String: String],
        browser: String = "browser-1"
    )
        async throws -> UpstreamSignIn
    {
        try await provider.finishSignIn(query: query, browserHash: browser, callbackURL: Self.callback, now: Date())
    }

    static func expectRefused(
        _ fragment: String,
        _ operation: () async throws -> UpstreamSignIn
    ) async {
        do {
            let finished = try await operation()
            Issue.record("signed in \(finished.person.id); expected a refusal mentioning \(fragment)")
        } catch let error as UpstreamSignInError {
            #expect(
                error.message.contains(fragment) || error.logDetail.contains(fragment),
                "\(error.message) / \(error.logDetail)"
            )
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a person signs in at the provider and is stored; the sealed request comes back")
    func signsIn() async throws {
        try await Self.withProvider { fixture in
            let provider = try fixture.provider(adminEmails: ["Alice@Example.com"])
            let url = try await provider.beginSignIn(
                sealedRequest: "sealed-1",
                browserHash: "browser-1",
                callbackURL: Self.callback,
                now: Date()
            )
            // What goes to the provider: code flow, PKCE S256, nonce, state, our callback.
            let query = try #require(url.split(separator: "?", maxSplits: 1).last)
            let pairs = try #require(FormURLEncoded.parse(Array(query.utf8)))
            let parameters = Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })
            #expect(url.hasPrefix(fixture.issuer + "/oauth2/authorize?"))
            #expect(parameters["response_type"] == "code" && parameters["client_id"] == Self.clientID)
            #expect(parameters["redirect_uri"] == Self.callback && parameters["code_challenge_method"] == "S256")
            #expect(parameters["scope"] == "openid email profile")
            #expect(parameters["state"]?.count == 43 && parameters["nonce"]?.count == 43)
            #expect(parameters["code_challenge"]?.count == 43)

            let finished = try await Self.finish(provider, try await Self.authorize(url, as: "alice"))
            #expect(finished.sealedRequest == "sealed-1")
            let person = finished.person
            #expect(person.id == UpstreamOIDCProvider.personID(issuer: fixture.issuer, subject: "alice"))
            #expect(person.email == "alice@example.com" && person.displayName == "Alice" && person.isAdmin)
            #expect(person.upstreamIssuer == fixture.issuer && person.upstreamSubject == "alice")
            #expect(try await fixture.store.person(id: person.id) == person)

            // The same person again: one record, refreshed.
            let again = try await Self.finish(provider, try await Self.signIn(provider, as: "alice"))
            #expect(again.person.id == person.id)
            #expect(try await fixture.store.listPeople().count == 1)
            // Someone typed in at the provider has an email without email_verified: not kept, and no admin.
            let typed = try await Self.finish(provider, try await Self.signIn(provider, as: "carol@example.com"))
            #expect(
                typed.person.email == nil && !typed.person.isAdmin
                    && typed.person.upstreamSubject == "carol@example.com"
            )
        }
    }

    @Test("the login state belongs to one browser, is used once, and expires")
    func loginState() async throws {
        try await Self.withProvider { fixture in
            let provider = try fixture.provider()
            // Another browser: refused, and the state is used up by the attempt.
            let stolen = try await Self.signIn(provider, as: "alice")
            await Self.expectRefused("another browser") {
                try await Self.finish(provider, stolen, browser: "browser-2")
            }
            await Self.expectRefused("expired or was already used") { try await Self.finish(provider, stolen) }
            // Replayed after a success.
            let query = try await Self.signIn(provider, as: "alice")
            _ = try await Self.finish(provider, query)
            await Self.expectRefused("expired or was already used") { try await Self.finish(provider, query) }
            // Begun longer ago than the login lifetime.
            let old = try await Self.signIn(provider, as: "alice", now: Date() - 601)
            await Self.expectRefused("expired or was already used") { try await Self.finish(provider, old) }
            // No state at all.
            var missing = try await Self.signIn(provider, as: "alice")
            missing["state"] = nil
            await Self.expectRefused("without state") { try await Self.finish(provider, missing) }
        }
    }

    @Test("a code from another sign-in (nonce mismatch), another issuer's iss, or a refusal at the provider fail")
    func injectedAndRefused() async throws {
        try await Self.withProvider { fixture in
            let provider = try fixture.provider()
            // The attacker's code (and so an ID token with the attacker's nonce) under the victim's state.
            let attacker = try await Self.signIn(provider, as: "alice", browser: "attacker")
            let victim = try await Self.signIn(provider, as: "bob", browser: "victim")
            var injected = victim
            injected["code"] = attacker["code"]
            await Self.expectRefused("nonce") { try await Self.finish(provider, injected, browser: "victim") }
            // RFC 9207 mix-up: the response says it comes from another issuer.
            var mixedUp = try await Self.signIn(provider, as: "alice")
            mixedUp["iss"] = "https://evil.example"
            await Self.expectRefused("iss") { try await Self.finish(provider, mixedUp) }
            // The person pressed Deny.
            let denied = try await Self.signIn(provider, as: nil)
            #expect(denied["error"] == "access_denied")
            await Self.expectRefused("cancelled or refused") { try await Self.finish(provider, denied) }
            #expect(try await fixture.store.listPeople().isEmpty)
        }
    }

    @Test("allow-lists: domains, emails and groups refuse who they do not name")
    func allowLists() async throws {
        try await Self.withProvider { fixture in
            let byDomain = try fixture.provider(allowedDomains: ["corp.example"])
            _ = try await Self.finish(byDomain, try await Self.signIn(byDomain, as: "bob"))
            await Self.expectRefused("not allowed") {
                try await Self.finish(byDomain, try await Self.signIn(byDomain, as: "alice"))
            }
            // Typed in, so unverified: refused even though the domain would match.
            await Self.expectRefused("no verified email") {
                try await Self.finish(byDomain, try await Self.signIn(byDomain, as: "eve@corp.example"))
            }
            let byEmail = try fixture.provider(allowedEmails: ["alice@example.com"])
            _ = try await Self.finish(byEmail, try await Self.signIn(byEmail, as: "alice"))
            await Self.expectRefused("not allowed") {
                try await Self.finish(byEmail, try await Self.signIn(byEmail, as: "bob"))
            }
            let byGroup = try fixture.provider(groupClaim: "groups", allowedGroups: ["admins"])
            _ = try await Self.finish(byGroup, try await Self.signIn(byGroup, as: "bob"))
            await Self.expectRefused("group") {
                try await Self.finish(byGroup, try await Self.signIn(byGroup, as: "alice"))
            }
        }
    }

    @Test("the provider's ID token verifies against its key set (no kid); tampered or re-signed ones do not")
    func idTokens() async throws {
        try await Self.withProvider { fixture in
            let provider = try fixture.provider()
            // The test redeems a code itself to hold an ID token of the provider's.
            let url = try await provider.beginSignIn(
                sealedRequest: "s",
                browserHash: "b",
                callbackURL: Self.callback,
                now: Date()
            )
            let query = try await Self.authorize(url, as: "alice")
            let state = try #require(query["state"])
            let login = try #require(
                try await fixture.store.takeUpstreamLogin(stateHash: SecretToken.hash(state), now: Date())
            )
            let token = try await Self.redeem(
                fixture.issuer,
                code: try #require(query["code"]),
                verifier: login.codeVerifier
            )
            let metadata = try await provider.providerMetadata(now: Date())
            let verified = try await provider.verify(idToken: token, provider: metadata, now: Date())
            #expect(verified.keyID == nil && verified.algorithm == "RS256" && verified.string("sub") == "alice")
            let subject = try IDTokenCheck.check(
                verified,
                issuer: fixture.issuer,
                clientID: Self.clientID,
                nonce: login.nonce,
                now: Date()
            )
            #expect(subject == "alice")
            await #expect(throws: UpstreamSignInError.self) {
                try await provider.verify(idToken: TestTokens.tampered(token), provider: metadata, now: Date())
            }
            await #expect(throws: UpstreamSignInError.self) {
                try await provider.verify(
                    idToken: TestTokens.withAlgorithm("none", token),
                    provider: metadata,
                    now: Date()
                )
            }
            await #expect(throws: UpstreamSignInError.self) {
                try await provider.verify(
                    idToken: TestTokens.withClaim("sub", "mallory", token),
                    provider: metadata,
                    now: Date()
                )
            }
        }
    }

    /// The token request a client of the mock makes, to get an ID token outside the provider under test.
    static func redeem(_ issuer: String, code: String, verifier: String) async throws -> String {
        let fetcher = try OutboundFetcher(
            policy: OutboundPolicy(allowPrivateAddresses: true, allowHTTPOnLoopback: true)
        )
        let response = try await fetcher.postForm(
            issuer + "/oauth2/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.callback),
                ("code_verifier", verifier), ("client_id", Self.clientID), ("client_secret", "upstream-secret"),
            ]
        )
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        return try #require(try JSONValue(parsing: response.body)["id_token"]?.stringValue)
    }

    /// Changes to a token that keep its shape.
    enum TestTokens {
        static func tampered(_ token: String) -> String {
            var characters = Array(token)
            let index = characters.count - 5
            characters[index] = characters[index] == "A" ? "B" : "A"
            return String(characters)
        }

        static func withAlgorithm(_ algorithm: String, _ token: String) -> String {
            let parts = token.split(separator: ".")
            let header = Base64.encode(Array(#"{"alg":"\#(algorithm)","typ":"JWT"}"#.utf8), .url)
            return [header, String(parts[1]), String(parts[2])].joined(separator: ".")
        }

        static func withClaim(_ name: String, _ value: String, _ token: String) -> String {
            let parts = token.split(separator: ".")
            guard let payload = Base64.decode(parts[1], .url),
                case .object(var claims)? = try? JSONValue(parsing: payload)
            else { return token }
            claims[name] = .string(value)
            return [String(parts[0]), Base64.encode(JSONValue.object(claims).serialized(), .url), String(parts[2])]
                .joined(separator: ".")
        }
    }
}
