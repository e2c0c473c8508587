import Crypto
import Foundation
import Logging
import MCPServerCore
import MCPWire
import Testing

@Suite("Signing-key secrets (Secrets Manager, environment)")
struct SigningKeySecretTests {
    static func jwks(_ secret: String) async throws -> JSONValue {
        let ring = try await KeyRing.load(
            source: try SigningKeySecret.keySource(from: secret),
            store: InMemoryServerStore(),
            tokenLifetime: .seconds(60),
            logger: Logger(label: "test")
        )
        return await ring.jwks
    }

    @Test("a seed always derives the same key (every instance verifies every token); another seed another key")
    func seedIsDeterministic() async throws {
        let seed = "Zq8V0mC3pX9LrT2wYb6N4kD1sH7fJ5gA0uEoIiQy"
        let first = try await Self.jwks(seed)
        #expect(try await Self.jwks(seed) == first)
        #expect(try await Self.jwks("\n  \(seed)\n") == first)
        #expect(try await Self.jwks(String(seed.reversed())) != first)
        #expect(first["keys"]?.arrayValue?.first?["kty"] == "EC")
        #expect(first["keys"]?.arrayValue?.first?["crv"] == "P-256")
        #expect(first["keys"]?.arrayValue?.first?["d"] == nil)
    }

    @Test("a PEM is used as it is")
    func pem() async throws {
        let key = P256.Signing.PrivateKey()
        guard case .operatorPEM(let text, _) = try SigningKeySecret.keySource(from: key.pemRepresentation + "\n") else {
            Issue.record("expected a PEM source")
            return
        }
        #expect(text == key.pemRepresentation)
        let jwks = try await Self.jwks(key.pemRepresentation)
        let x = key.publicKey.rawRepresentation.prefix(32)
        #expect(jwks["keys"]?.arrayValue?.first?["x"]?.stringValue == Self.base64URL(Array(x)))
    }

    @Test("rotation: JSON with current and previous keys; current signs, all are published")
    func rotation() async throws {
        let old = "0ldS33dFromSecretsManager0123456789abcdefXYZ"
        let new = P256.Signing.PrivateKey().pemRepresentation
        let oldKID = try #require(try await Self.jwks(old)["keys"]?.arrayValue?.first?["kid"])
        let rotating = JSONValue.object(["current": .string(new), "previous": [.string(old)]]).serializedString()
        let jwks = try await Self.jwks(rotating)
        let kids = try #require(jwks["keys"]?.arrayValue).compactMap { $0["kid"] }
        #expect(kids.count == 2)
        #expect(kids.contains(oldKID))
        guard case .operatorPEM(let signing, let previous) = try SigningKeySecret.keySource(from: rotating) else {
            Issue.record("expected a PEM source")
            return
        }
        #expect(signing == new)
        #expect(previous.count == 1)
        for bad in [#"{"previous":[]}"#, #"{"current":"short"}"#, #"{"current":"\#(old)","previous":"x"}"#, "{oops"] {
            #expect(throws: SigningKeySecret.Invalid.self) { try SigningKeySecret.keySource(from: bad) }
        }
    }

    @Test("short secrets are refused with the rule", arguments: ["", "short", String(repeating: "a", count: 31)])
    func shortSecrets(_ secret: String) {
        #expect(throws: SigningKeySecret.Invalid.self) { try SigningKeySecret.keySource(from: secret) }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
