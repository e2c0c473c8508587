import Crypto
import Foundation
import MCPWire
import Testing

@testable import MCPServerCore

/// `private_key_jwt` (RFC 7523 §3) with keys made here.
@Suite("Client assertions (private_key_jwt)")
struct ClientAssertionVerifierTests {
    static let clientID = "cli_assertion"
    static let issuer = "https://mcp.example"
    static let tokenEndpoint = "https://mcp.example/token"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    let store = InMemoryServerStore()

    func verifier() throws -> ClientAssertionVerifier {
        try ClientAssertionVerifier(store: self.store, policy: MetadataDocumentPolicy())
    }

    static func client(jwks: JSONValue, method: String = "private_key_jwt") -> KnownClient {
        let metadata = ClientMetadata(tokenEndpointAuthMethod: method, grantTypes: ["client_credentials"], jwks: jwks)
        return KnownClient(
            id: Self.clientID,
            metadata: metadata,
            source: .metadataDocument(fetchedAt: Self.now)
        )
    }

    /// Claims of a good assertion; `changes` replaces or (with `nil`) removes some.
    static func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": .string(Self.clientID), "sub": .string(Self.clientID), "aud": .string(Self.issuer),
            "exp": .number(JSONNumber(Int(Self.now.timeIntervalSince1970) + 120)),
            "iat": .number(JSONNumber(Int(Self.now.timeIntervalSince1970))),
            "jti": .string(UUID().uuidString),
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    func verify(_ assertion: String, client: KnownClient) async throws {
        try await self.verifier().verify(
            assertion: assertion,
            client: client,
            audiences: [Self.issuer],
            now: Self.now
        )
    }

    func expectRefused(_ assertion: String, client: KnownClient, _ fragment: String) async {
        do {
            try await self.verify(assertion, client: client)
            Issue.record("accepted; expected a refusal mentioning \(fragment)")
        } catch let error as ClientAssertionError {
            #expect(error.description.contains(fragment), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("ES256, RS256 and PS256 assertions verify, with or without kid")
    func accepted() async throws {
        for signer in [
            try await TestJWTSigner.es256(), try await TestJWTSigner.rsa(), try await TestJWTSigner.rsa(pss: true),
            try await TestJWTSigner.es256(keyID: nil),
        ] {
            try await self.verify(try await signer.sign(Self.claims()), client: Self.client(jwks: signer.jwks))
        }
    }

    @Test("aud is the issuer as one string: the token endpoint, arrays and look-alikes are refused")
    func audienceIsTheIssuerAlone() async throws {
        let signer = try await TestJWTSigner.es256()
        let client = Self.client(jwks: signer.jwks)
        let refused: [JSONValue] = [
            // What an assertion made for a server whose metadata names our token endpoint would carry.
            .string(Self.tokenEndpoint),
            // Arrays, even of the issuer alone: draft-ietf-oauth-rfc7523bis wants the issuer as the only value.
            [.string(Self.issuer)],
            [.string(Self.issuer), "https://other.example"],
            [.string(Self.tokenEndpoint)],
            .string(Self.issuer + "/"),
            .string(Self.issuer.uppercased()),
            .string(""),
            .number(JSONNumber(1)),
        ]
        for audience in refused {
            await self.expectRefused(try await signer.sign(Self.claims(["aud": audience])), client: client, "aud")
        }
        try await self.verify(try await signer.sign(Self.claims(["aud": .string(Self.issuer)])), client: client)
    }

    @Test("a key the client did not publish, or a tampered signature, is refused")
    func wrongKey() async throws {
        let published = try await TestJWTSigner.es256()
        let other = try await TestJWTSigner.es256()
        let client = Self.client(jwks: published.jwks)
        await self.expectRefused(try await other.sign(Self.claims()), client: client, "signature")
        let tampered = TestJWTSigner.tampered(try await published.sign(Self.claims()))
        await self.expectRefused(tampered, client: client, "signature")
        // The client's key under another kid: no published key matches.
        let renamed = try await TestJWTSigner.es256(keyID: "elsewhere")
        await self.expectRefused(try await renamed.sign(Self.claims()), client: client, "no published key")
    }

    @Test("iss, sub, aud, exp, nbf, iat and jti are each enforced")
    func claims() async throws {
        let signer = try await TestJWTSigner.es256()
        let client = Self.client(jwks: signer.jwks)
        let now = Int(Self.now.timeIntervalSince1970)
        let cases: [([String: JSONValue?], String)] = [
            (["iss": "someone-else"], "iss"),
            (["sub": "someone-else"], "sub"),
            (["aud": "https://other.example/token"], "aud"),
            (["aud": nil], "aud"),
            (["exp": nil], "exp is required"),
            (["exp": .number(JSONNumber(now - 61))], "expired"),
            (["exp": .number(JSONNumber(now + 301 + 60))], "ahead"),
            (["nbf": .number(JSONNumber(now + 120))], "nbf"),
            (["iat": .number(JSONNumber(now + 120))], "iat"),
            (["jti": nil], "jti"),
            (["jti": ""], "jti"),
        ]
        for (changes, fragment) in cases {
            await self.expectRefused(try await signer.sign(Self.claims(changes)), client: client, fragment)
        }
    }

    @Test("an assertion is accepted once; its jti replayed is refused")
    func replay() async throws {
        let signer = try await TestJWTSigner.es256()
        let client = Self.client(jwks: signer.jwks)
        let assertion = try await signer.sign(Self.claims())
        try await self.verify(assertion, client: client)
        await self.expectRefused(assertion, client: client, "already used")
        // Another assertion with the same jti, freshly signed: still a replay.
        let sameJTI = try await signer.sign(Self.claims(["jti": .string(TestJWTSigner.jti(of: assertion))]))
        await self.expectRefused(sameJTI, client: client, "already used")
    }

    @Test("a forged assertion does not use up the real one's jti")
    func forgedDoesNotBurnJTI() async throws {
        let signer = try await TestJWTSigner.es256()
        let client = Self.client(jwks: signer.jwks)
        let claims = Self.claims()
        let forger = try await TestJWTSigner.es256()
        await self.expectRefused(try await forger.sign(claims), client: client, "signature")
        try await self.verify(try await signer.sign(claims), client: client)
    }

    @Test("alg none and HMAC (HS256 keyed with the public key) are refused")
    func algorithms() async throws {
        let signer = try await TestJWTSigner.rsa()
        let client = Self.client(jwks: signer.jwks)
        let claims = JSONValue.object(Self.claims())
        let none = TestJWTSigner.forged(header: ["alg": "none", "typ": "JWT"], claims: claims, signature: [])
        await self.expectRefused(none + "AA", client: client, "not accepted")
        let header: JSONValue = ["alg": "HS256", "typ": "JWT", "kid": "rs-1"]
        let input = Base64.encode(header.serialized(), .url) + "." + Base64.encode(claims.serialized(), .url)
        let key = SymmetricKey(data: Array(signer.publicJWK.serialized()))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: key)
        await self.expectRefused(input + "." + Base64.encode(Array(mac), .url), client: client, "not accepted")
        // RS512 is a fine algorithm, but not one this server advertises for assertions.
        let rs512 = TestJWTSigner.forged(header: ["alg": "RS512"], claims: claims, signature: [1, 2, 3])
        await self.expectRefused(rs512, client: client, "not accepted")
    }

    @Test("a client registered for another method cannot use an assertion")
    func wrongMethod() async throws {
        let signer = try await TestJWTSigner.es256()
        let client = Self.client(jwks: signer.jwks, method: "none")
        await self.expectRefused(
            try await signer.sign(Self.claims()),
            client: client,
            "not registered for private_key_jwt"
        )
    }

    @Test("malformed assertions are refused before any key is looked at")
    func malformed() async throws {
        let client = Self.client(jwks: ["keys": []])
        for text in ["", "a.b", "not.a.jwt", String(repeating: "a", count: 20_000)] {
            await self.expectRefused(text, client: client, "client_assertion")
        }
    }
}

extension TestJWTSigner {
    /// The `jti` of a token made by ``sign(_:)``.
    static func jti(of token: String) throws -> String {
        let payload = try #require(Base64.decode(token.split(separator: ".")[1], .url))
        return try #require(try JSONValue(parsing: payload)["jti"]?.stringValue)
    }
}
