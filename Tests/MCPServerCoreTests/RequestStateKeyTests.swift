import Crypto
import Foundation
import Logging
import MCPServerCore
import MCPWire
import Testing

/// The keys 2026-07-28 `requestState` is signed with: shared by instances that share signing keys (configured or
/// stored), independent of how a PEM is laid out, valid across a rotation, and bound to one deployment's MCP URL.
@Suite("requestState keys", .timeLimit(.minutes(1)))
struct RequestStateKeyTests {
    static let logger = Logger(label: "test")

    static func ring(
        _ source: KeyRing.Source,
        store: InMemoryServerStore = InMemoryServerStore()
    ) async throws
        -> KeyRing
    {
        try await KeyRing.load(source: source, store: store, tokenLifetime: .seconds(600), logger: Self.logger)
    }

    /// Asks `confirm` at `issuer`, then retries with a yes at `verifier`: the retry's result.
    static func retry(issuedBy issuer: StreamingRouter, answeredAt verifier: StreamingRouter) async throws -> JSONValue
    {
        func confirm(_ router: StreamingRouter, _ extra: [String: JSONValue]) async throws -> JSONValue {
            var params: [String: JSONValue] = ["name": "confirm", "arguments": ConfirmToolTests.question]
            params.merge(extra) { $1 }
            return try await router.modern(
                "tools/call",
                params: params,
                capabilities: ConfirmToolTests.elicitation,
                as: "alice"
            ) { try JSONValue(parsing: try await $0.text()) }
        }
        let state = try #require(try await confirm(issuer, [:])["result"]?["requestState"])
        return try await confirm(
            verifier,
            ["inputResponses": ConfirmToolTests.answer("accept", confirmed: true), "requestState": state]
        )
    }

    static func router(_ keys: RequestStateKeys, base: String = "http://mcp.test") -> StreamingRouter {
        StreamingRouter(dispatcher: MCPDispatcher(catalog: .builtIn, requestStateKeys: keys), base: base)
    }

    @Test func instancesSharingAStoreAcceptEachOthersStates() async throws {
        let store = InMemoryServerStore()
        let first = try await Self.ring(.store, store: store)
        let second = try await Self.ring(.store, store: store)
        #expect(first.derivedSecrets(purpose: "request state") == second.derivedSecrets(purpose: "request state"))
        let answer = try await Self.retry(
            issuedBy: Self.router(.derived(from: first)),
            answeredAt: Self.router(.derived(from: second))
        )
        #expect(answer["result"]?["structuredContent"] == ["answer": "yes"])
        // Another store, another key.
        let stranger = try await Self.ring(.store)
        let refused = try await Self.retry(
            issuedBy: Self.router(.derived(from: first)),
            answeredAt: Self.router(.derived(from: stranger))
        )
        #expect(refused["error"]?["message"]?.stringValue?.contains("failed verification") == true)
    }

    /// The same key as SEC 1 `EC PRIVATE KEY` (where `pemRepresentation` is PKCS #8 `PRIVATE KEY`).
    static func sec1PEM(_ key: P256.Signing.PrivateKey) -> String {
        // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] prime256v1 }
        let der: [UInt8] =
            [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20] + Array(key.rawRepresentation)
            + [0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN EC PRIVATE KEY-----\n\(base64)\n-----END EC PRIVATE KEY-----"
    }

    @Test func theSecretComesFromTheKeyNotFromItsPEMText() async throws {
        let key = P256.Signing.PrivateKey()
        let first = try await Self.ring(.operatorPEM(key.pemRepresentation))
        for text in [Self.sec1PEM(key), key.pemRepresentation + "\n"] {
            let other = try await Self.ring(.operatorPEM(text))
            #expect(other.derivedSecrets(purpose: "request state") == first.derivedSecrets(purpose: "request state"))
        }
        // Purposes are kept apart, and the secret is not the key.
        #expect(first.derivedSecrets(purpose: "request state") != first.derivedSecrets(purpose: "something else"))
        #expect(first.derivedSecrets(purpose: "request state").first != Array(key.rawRepresentation))
    }

    @Test func aStateSignedBeforeARotationStillVerifiesAfterIt() async throws {
        let store = InMemoryServerStore()
        let before = try await Self.ring(.store, store: store)
        _ = try await KeyRing.rotate(store: store, tokenLifetime: .seconds(600))
        let after = try await Self.ring(.store, store: store)
        let secretsAfter = after.derivedSecrets(purpose: "request state")
        #expect(secretsAfter.count == 2)
        #expect(secretsAfter.last == before.derivedSecrets(purpose: "request state").first)
        let answer = try await Self.retry(
            issuedBy: Self.router(.derived(from: before)),
            answeredAt: Self.router(.derived(from: after))
        )
        #expect(answer["result"]?["structuredContent"] == ["answer": "yes"])

        // The same holds for keys the operator gives: {"current": NEW, "previous": [OLD]}.
        let old = P256.Signing.PrivateKey().pemRepresentation
        let new = P256.Signing.PrivateKey().pemRepresentation
        let rotated = try await Self.retry(
            issuedBy: Self.router(.derived(from: try await Self.ring(.operatorPEM(old)))),
            answeredAt: Self.router(.derived(from: try await Self.ring(.operatorPEM(new, previous: [old]))))
        )
        #expect(rotated["result"]?["structuredContent"] == ["answer": "yes"])
    }

    @Test func aStateIsBoundToTheDeploymentsMCPURL() async throws {
        let keys = RequestStateKeys.fixed([Array("one key for staging and production".utf8)])
        let staging = Self.router(keys, base: "https://staging.example.com")
        let production = Self.router(keys, base: "https://mcp.example.com")
        let refused = try await Self.retry(issuedBy: staging, answeredAt: production)
        #expect(refused["error"]?["code"] == -32602)
        #expect(refused["error"]?["message"]?.stringValue?.contains("another deployment") == true)
        let accepted = try await Self.retry(issuedBy: production, answeredAt: production)
        #expect(accepted["result"]?["structuredContent"] == ["answer": "yes"])
    }
}
