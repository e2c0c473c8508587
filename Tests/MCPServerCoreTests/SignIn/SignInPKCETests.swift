import MCPWire
import Testing

@testable import MCPServerCore

/// PKCE (RFC 7636) with S256 only: the syntax of verifiers and challenges, the transformation, and the
/// refusals `/authorize` and `/token` answer with.
@Suite("Sign-in: PKCE")
struct SignInPKCETests {
    /// RFC 7636 Appendix B.
    static let rfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test func computesTheRFCExample() {
        #expect(PKCE.challenge(for: Self.rfcVerifier) == Self.rfcChallenge)
        #expect(PKCE.verify(verifier: Self.rfcVerifier, challenge: Self.rfcChallenge) == .matches)
        #expect(PKCE.Verification.matches.errorCode == nil)
    }

    @Test(arguments: [
        (String(repeating: "a", count: 43), true),
        (String(repeating: "~", count: 128), true),
        ("A-._~0" + String(repeating: "z", count: 40), true),
        (String(repeating: "a", count: 42), false),
        (String(repeating: "a", count: 129), false),
        (String(repeating: "a", count: 42) + "+", false),
        (String(repeating: "a", count: 42) + "/", false),
        (String(repeating: "a", count: 42) + "=", false),
        (String(repeating: "a", count: 42) + " ", false),
        (String(repeating: "a", count: 42) + "%", false),
        // 43 characters but 44 bytes: the length is counted in ASCII characters, and é is not one.
        (String(repeating: "a", count: 42) + "é", false),
        ("", false),
    ])
    func verifierSyntax(verifier: String, valid: Bool) {
        #expect(PKCE.isWellFormedVerifier(verifier) == valid)
    }

    @Test func checkChallengeAcceptsS256() throws {
        try PKCE.checkChallenge(Self.rfcChallenge, method: "S256")
    }

    @Test(
        arguments: [
            (nil, "S256", PKCE.ChallengeRefusal.missingChallenge),
            ("", "S256", .missingChallenge),
            (Self.rfcChallenge, nil, .missingMethod),
            (Self.rfcChallenge, "", .missingMethod),
            (Self.rfcChallenge, "plain", .plainMethod),
            (Self.rfcChallenge, "s256", .unknownMethod),
            (Self.rfcChallenge, "S512", .unknownMethod),
            (String(Self.rfcChallenge.dropLast()), "S256", .malformedChallenge),
            (Self.rfcChallenge + "A", "S256", .malformedChallenge),
            ("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM", "S256", .malformedChallenge),
            ("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=", "S256", .malformedChallenge),
            // 43 characters whose last one leaves bits over: not an encoding of 32 bytes.
            ("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN", "S256", .malformedChallenge),
            // A plain-method "challenge" (a verifier) sent as S256 is the wrong length.
            (Self.rfcVerifier + "x", "S256", .malformedChallenge),
        ] as [(String?, String?, PKCE.ChallengeRefusal)]
    )
    func checkChallengeRefuses(challenge: String?, method: String?, refusal: PKCE.ChallengeRefusal) {
        #expect(throws: refusal) { try PKCE.checkChallenge(challenge, method: method) }
        #expect(!refusal.description.isEmpty)
    }

    @Test func plainIsRefusedByName() {
        #expect(PKCE.ChallengeRefusal.plainMethod.description.contains("plain"))
        #expect(PKCE.ChallengeRefusal.missingChallenge.description.contains("required"))
    }

    @Test func verifyReportsEachOutcome() {
        #expect(PKCE.verify(verifier: nil, challenge: Self.rfcChallenge) == .missingVerifier)
        #expect(PKCE.verify(verifier: "", challenge: Self.rfcChallenge) == .missingVerifier)
        #expect(PKCE.verify(verifier: "short", challenge: Self.rfcChallenge) == .malformedVerifier)
        #expect(PKCE.verify(verifier: Self.rfcVerifier + "A", challenge: Self.rfcChallenge) == .mismatch)
        // Sending the challenge itself as the verifier (a plain-method client) does not pass.
        #expect(PKCE.verify(verifier: Self.rfcChallenge, challenge: Self.rfcChallenge) == .mismatch)
        #expect(PKCE.verify(verifier: Self.rfcVerifier, challenge: "") == .mismatch)
        #expect(PKCE.Verification.missingVerifier.errorCode == "invalid_request")
        #expect(PKCE.Verification.malformedVerifier.errorCode == "invalid_grant")
        #expect(PKCE.Verification.mismatch.errorCode == "invalid_grant")
    }

    /// Any well-formed verifier yields a challenge `/authorize` accepts, which that verifier alone passes.
    @Test func anyVerifierRoundTripsAndOthersFail() throws {
        var random = SignInRandom(seed: 7636)
        for _ in 0..<500 {
            let verifier = random.string(
                from: SignInRandom.unreserved,
                count: Int.random(in: PKCE.verifierLengths, using: &random)
            )
            let challenge = PKCE.challenge(for: verifier)
            #expect(PKCE.isWellFormedVerifier(verifier), "\(verifier)")
            #expect(PKCE.isWellFormedChallenge(challenge), "\(verifier)")
            try PKCE.checkChallenge(challenge, method: "S256")
            #expect(PKCE.verify(verifier: verifier, challenge: challenge) == .matches)

            // One character changed to another unreserved one.
            var characters = Array(verifier)
            let index = Int.random(in: 0..<characters.count, using: &random)
            let replacement = SignInRandom.unreserved.filter { $0 != characters[index] }.randomElement(using: &random)!
            characters[index] = replacement
            #expect(PKCE.verify(verifier: String(characters), challenge: challenge) == .mismatch, "\(verifier)")
        }
    }

    /// A verifier with any character outside the unreserved set is refused, wherever it sits.
    @Test func anyReservedCharacterIsRefused() {
        var random = SignInRandom(seed: 3986)
        let outside = Array(" !\"#$%&'()*+,/:;<=>?@[\\]^`{|}é\u{7F}\n")
        for _ in 0..<300 {
            var characters = Array(
                random.string(from: SignInRandom.unreserved, count: Int.random(in: 43...128, using: &random))
            )
            characters[Int.random(in: 0..<characters.count, using: &random)] = outside.randomElement(using: &random)!
            let verifier = String(characters)
            #expect(!PKCE.isWellFormedVerifier(verifier), "\(verifier)")
            #expect(PKCE.verify(verifier: verifier, challenge: PKCE.challenge(for: verifier)) == .malformedVerifier)
        }
    }
}
