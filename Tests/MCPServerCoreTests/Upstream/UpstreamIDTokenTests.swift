import Foundation
import MCPWire
import Testing

@testable import MCPServerCore

/// The ID token checks and allow-lists of the upstream sign-in, on tokens signed here. The whole flow against a
/// real provider is in MCPServerTests (`UpstreamOIDCProviderTests`).
@Suite("Upstream sign-in: ID tokens and allow-lists")
struct UpstreamIDTokenTests {
    static let issuer = "https://sso.example"
    static let clientID = "remote-mcp"
    static let nonce = "n-0S6_WzA2Mj"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        let now = Int(Self.now.timeIntervalSince1970)
        var claims: [String: JSONValue] = [
            "iss": .string(Self.issuer), "sub": "alice", "aud": .string(Self.clientID),
            "exp": .number(JSONNumber(now + 300)), "iat": .number(JSONNumber(now)), "nonce": .string(Self.nonce),
            "email": "alice@example.com", "email_verified": true, "name": "Alice",
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    static func check(_ token: String) throws -> String {
        try IDTokenCheck.check(
            try SignedJWT(parsing: token),
            issuer: Self.issuer,
            clientID: Self.clientID,
            nonce: Self.nonce,
            now: Self.now
        )
    }

    @Test("a good ID token passes and yields its subject")
    func good() async throws {
        let signer = try await TestJWTSigner.rsa()
        #expect(try Self.check(try await signer.sign(Self.claims())) == "alice")
        let multi = try await signer.sign(
            Self.claims(["aud": [.string(Self.clientID), "other"], "azp": .string(Self.clientID)])
        )
        #expect(try Self.check(multi) == "alice")
    }

    @Test("each ID token claim rule refuses what breaks it")
    func refused() async throws {
        let signer = try await TestJWTSigner.rsa()
        let now = Int(Self.now.timeIntervalSince1970)
        let cases: [[String: JSONValue?]] = [
            ["iss": "https://sso.example/"], ["iss": nil], ["aud": "someone-else"],
            ["aud": [.string(Self.clientID), "other"]], ["azp": "someone-else"], ["exp": nil],
            ["exp": .number(JSONNumber(now - 61))], ["iat": nil], ["iat": .number(JSONNumber(now + 120))],
            ["nbf": .number(JSONNumber(now + 120))], ["nonce": "another-sign-in"], ["nonce": nil], ["sub": nil],
            ["sub": ""], ["sub": .string(String(repeating: "s", count: 256))],
        ]
        for changes in cases {
            let token = try await signer.sign(Self.claims(changes))
            #expect(throws: UpstreamSignInError.self, "\(changes)") { try Self.check(token) }
        }
    }

    @Test("signatures: a key set without kid verifies kid-less tokens; tampering, none and HS256 fail")
    func signatures() async throws {
        let signer = try await TestJWTSigner.rsa(keyID: nil)
        var jwk = try #require(signer.publicJWK.objectValue)
        jwk["kid"] = "published-kid"
        // The mock provider's shape: the set names a kid, the token names none.
        let keys = try PublicKeySet(json: ["keys": [.object(jwk)]])
        let token = try SignedJWT(parsing: try await signer.sign(Self.claims()))
        try await keys.verify(token, allowedAlgorithms: IDTokenCheck.allowedAlgorithms)
        let tampered = try SignedJWT(parsing: TestJWTSigner.tampered(token.text))
        await #expect(throws: JWTRefusal.self) {
            try await keys.verify(tampered, allowedAlgorithms: IDTokenCheck.allowedAlgorithms)
        }
        let none = try SignedJWT(
            parsing: TestJWTSigner.forged(header: ["alg": "none"], claims: .object(Self.claims()), signature: [0])
        )
        await #expect(throws: JWTRefusal.self) {
            try await keys.verify(none, allowedAlgorithms: IDTokenCheck.allowedAlgorithms)
        }
        let hmac = try SignedJWT(
            parsing: TestJWTSigner.forged(header: ["alg": "HS256"], claims: .object(Self.claims()), signature: [0])
        )
        await #expect(throws: JWTRefusal.self) {
            try await keys.verify(hmac, allowedAlgorithms: IDTokenCheck.allowedAlgorithms)
        }
        // A key that says it is for encryption, or carries private parts, is not used.
        jwk["use"] = "enc"
        #expect(try PublicKeySet(json: ["keys": [.object(jwk)]]).count == 0)
        jwk["use"] = "sig"
        jwk["d"] = "private"
        #expect(try PublicKeySet(json: ["keys": [.object(jwk)]]).count == 0)
    }

    static func admission(
        domains: [String] = [],
        emails: [String] = [],
        groupClaim: String? = nil,
        groups: [String] = [],
        admins: [String] = []
    ) -> UpstreamAdmission {
        UpstreamAdmission(
            configuration: UpstreamProviderConfiguration(
                issuer: Self.issuer,
                clientID: Self.clientID,
                allowedDomains: domains,
                allowedEmails: emails,
                groupClaim: groupClaim,
                allowedGroups: groups,
                adminEmails: admins
            )
        )
    }

    static func token(_ changes: [String: JSONValue?]) throws -> SignedJWT {
        try SignedJWT(
            parsing: TestJWTSigner.forged(
                header: ["alg": "RS256"],
                claims: .object(Self.claims(changes)),
                signature: [0]
            )
        )
    }

    @Test("allowed domains and emails need a verified email; either list admits")
    func emailAllowLists() throws {
        let byDomain = Self.admission(domains: ["Example.com"])
        try byDomain.check(try Self.token([:]))
        try byDomain.check(try Self.token(["email": "BOB@EXAMPLE.COM"]))
        try byDomain.check(try Self.token(["email_verified": "true"]))
        for changes: [String: JSONValue?] in [
            ["email": "alice@example.com.evil"], ["email": "alice@sub.example.com"], ["email": "alice@evilexample.com"],
            ["email_verified": nil], ["email_verified": false], ["email": nil], ["email": "example.com"],
        ] {
            #expect(throws: UpstreamSignInError.self, "\(changes)") { try byDomain.check(try Self.token(changes)) }
        }
        let both = Self.admission(domains: ["corp.example"], emails: ["alice@example.com"])
        try both.check(try Self.token([:]))
        try both.check(try Self.token(["email": "carol@corp.example"]))
        #expect(throws: UpstreamSignInError.self) { try both.check(try Self.token(["email": "dave@example.com"])) }
    }

    @Test("allowed groups read the configured claim, an array or a string")
    func groupAllowList() throws {
        let admission = Self.admission(groupClaim: "cognito:groups", groups: ["mcp-users"])
        try admission.check(try Self.token(["cognito:groups": ["staff", "mcp-users"]]))
        try admission.check(try Self.token(["cognito:groups": "mcp-users"]))
        for changes: [String: JSONValue?] in [
            ["cognito:groups": ["staff"]], ["cognito:groups": nil], ["groups": ["mcp-users"]],
        ] {
            #expect(throws: UpstreamSignInError.self, "\(changes)") { try admission.check(try Self.token(changes)) }
        }
        #expect(throws: UpstreamSignInError.self) {
            try Self.admission(groups: ["mcp-users"]).check(try Self.token(["groups": ["mcp-users"]]))
        }
    }

    @Test("admins are people with a verified email on the admin list")
    func admins() throws {
        let admission = Self.admission(admins: ["Alice@Example.com"])
        #expect(admission.isAdmin(try Self.token([:])))
        #expect(!admission.isAdmin(try Self.token(["email_verified": false])))
        #expect(!admission.isAdmin(try Self.token(["email": "bob@example.com"])))
    }

    @Test("person ids are oidc_ and 22 base64url characters, per issuer and subject")
    func personIDs() {
        let id = UpstreamOIDCProvider.personID(issuer: Self.issuer, subject: "alice")
        #expect(id.hasPrefix("oidc_") && id.count == 27)
        #expect(id == UpstreamOIDCProvider.personID(issuer: Self.issuer, subject: "alice"))
        #expect(id != UpstreamOIDCProvider.personID(issuer: "https://other.example", subject: "alice"))
        #expect(id != UpstreamOIDCProvider.personID(issuer: Self.issuer + "\nalice", subject: ""))
    }

    @Test("the upstream client authenticates as the provider lists: Basic by default, post, or none without secret")
    func clientAuthentication() {
        let basic = UpstreamClientAuthentication(clientID: "a b", secret: "s:é", supported: nil)
        #expect(basic.formFields.isEmpty)
        #expect(basic.headerFields.first?.value == "Basic " + Base64.encode(Array("a+b:s%3A%C3%A9".utf8)))
        let post = UpstreamClientAuthentication(clientID: "id", secret: "s", supported: ["client_secret_post"])
        #expect(post.formFields.map(\.name) == ["client_id", "client_secret"] && post.headerFields.isEmpty)
        let none = UpstreamClientAuthentication(clientID: "id", secret: nil, supported: ["client_secret_basic"])
        #expect(none.formFields.map(\.name) == ["client_id"])
    }

    @Test("discovery: the issuer must be the configured one exactly, endpoints https")
    func discovery() throws {
        let good: JSONValue = [
            "issuer": .string(Self.issuer), "authorization_endpoint": "https://sso.example/authorize",
            "token_endpoint": "https://sso.example/token", "jwks_uri": "https://sso.example/jwks",
            "authorization_response_iss_parameter_supported": true,
        ]
        let metadata = try OpenIDProviderMetadata(json: good, expectedIssuer: Self.issuer, allowHTTP: false)
        #expect(metadata.sendsIssuerInResponse && metadata.tokenEndpointAuthMethods == nil)
        var wrongIssuer = try #require(good.objectValue)
        wrongIssuer["issuer"] = "https://sso.example/"
        #expect(throws: UpstreamSignInError.self) {
            try OpenIDProviderMetadata(json: .object(wrongIssuer), expectedIssuer: Self.issuer, allowHTTP: false)
        }
        var plain = try #require(good.objectValue)
        plain["token_endpoint"] = "http://sso.example/token"
        #expect(throws: UpstreamSignInError.self) {
            try OpenIDProviderMetadata(json: .object(plain), expectedIssuer: Self.issuer, allowHTTP: true)
        }
    }
}
