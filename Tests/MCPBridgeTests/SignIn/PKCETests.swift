import Testing

@testable import MCPBridgeCore

@Suite("PKCE (RFC 7636)")
struct PKCETests {
    @Test("the S256 challenge of RFC 7636 Appendix B")
    func appendixB() throws {
        let pkce = try PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.method == "S256")
    }

    @Test("a new verifier is 43 unreserved characters from 32 random bytes, different every time")
    func newVerifier() {
        let first = PKCE()
        let second = PKCE()
        #expect(first.verifier.utf8.count == 43)
        #expect(PKCE.isValidVerifier(first.verifier))
        #expect(first.verifier != second.verifier)
        #expect(!first.challenge.contains("="))
    }

    @Test(
        "verifiers outside RFC 7636 §4.1 are refused",
        arguments: [
            String(repeating: "a", count: 42), String(repeating: "a", count: 129),
            String(repeating: "a", count: 42) + "/", String(repeating: "a", count: 42) + " ",
            String(repeating: "é", count: 43),
        ]
    )
    func badVerifiers(verifier: String) {
        #expect(throws: BridgeError.self) { try PKCE(verifier: verifier) }
    }

    @Test("the edges of the length rule are accepted")
    func edges() throws {
        _ = try PKCE(verifier: String(repeating: "~", count: 43))
        _ = try PKCE(verifier: String(repeating: "-._~Az09", count: 16))
    }
}
