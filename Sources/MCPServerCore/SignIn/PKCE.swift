import Crypto
import MCPWire

/// Proof Key for Code Exchange (RFC 7636) with `S256` only.
///
/// `/authorize` checks the challenge and its method (``checkChallenge(_:method:)``); `/token` checks the
/// verifier against the challenge stored with the code (``verify(verifier:challenge:)``). `plain` is refused:
/// OAuth 2.1 and RFC 9700 §2.1.1 keep it only for clients that cannot compute SHA-256, and every MCP host can.
public enum PKCE {
    /// The only transformation this server accepts (RFC 7636 §4.2).
    public static let s256 = "S256"
    /// RFC 7636 §4.1: a verifier is 43 to 128 characters.
    public static let verifierLengths = 43...128
    /// An `S256` challenge is a SHA-256 digest in base64url without padding: always 43 characters.
    public static let challengeLength = 43

    /// Why a challenge was refused at `/authorize`; the error code is always `invalid_request` (RFC 7636 §4.4.1).
    public enum ChallengeRefusal: Error, Sendable, Hashable {
        /// No `code_challenge`: this server requires PKCE of every client.
        case missingChallenge
        /// No `code_challenge_method`: RFC 7636 §4.3 would default it to `plain`, which is refused.
        case missingMethod
        /// `code_challenge_method=plain`.
        case plainMethod
        /// A method RFC 7636 does not define.
        case unknownMethod
        /// Not the base64url form of a 32-byte digest.
        case malformedChallenge

        /// The `error_description` to send back.
        public var description: String {
            switch self {
            case .missingChallenge: "code_challenge is required (PKCE with S256)"
            case .missingMethod: "code_challenge_method is required and must be S256"
            case .plainMethod: "code_challenge_method plain is not supported; use S256"
            case .unknownMethod: "code_challenge_method must be S256"
            case .malformedChallenge: "code_challenge must be 43 base64url characters (an S256 digest)"
            }
        }
    }

    /// What checking a verifier at `/token` found.
    public enum Verification: Sendable, Hashable {
        /// The verifier hashes to the stored challenge.
        case matches
        /// No `code_verifier` was sent.
        case missingVerifier
        /// The verifier is not 43-128 unreserved characters (RFC 7636 §4.1).
        case malformedVerifier
        /// A well-formed verifier that does not hash to the stored challenge.
        case mismatch

        /// The token endpoint's error code: a missing parameter is `invalid_request` (RFC 6749 §5.2); a verifier
        /// that does not prove possession is `invalid_grant` (RFC 7636 §4.6).
        public var errorCode: String? {
            switch self {
            case .matches: nil
            case .missingVerifier: "invalid_request"
            case .malformedVerifier, .mismatch: "invalid_grant"
            }
        }
    }

    /// Checks `/authorize`'s `code_challenge` and `code_challenge_method`.
    /// - Throws: ``ChallengeRefusal``, checked in that order: challenge present, method present, method
    ///   `S256`, challenge well formed.
    public static func checkChallenge(_ challenge: String?, method: String?) throws(ChallengeRefusal) {
        guard let challenge, !challenge.isEmpty else { throw .missingChallenge }
        guard let method, !method.isEmpty else { throw .missingMethod }
        // Method names are case-sensitive (RFC 7636 §4.3 registers "S256" and "plain" as written).
        guard method == Self.s256 else { throw method == "plain" ? .plainMethod : .unknownMethod }
        guard Self.isWellFormedChallenge(challenge) else { throw .malformedChallenge }
    }

    /// `true` for exactly 43 base64url characters that decode to 32 bytes with no bits left over, the only form
    /// ``challenge(for:)`` produces; anything else could never match at `/token`, so it is refused up front.
    public static func isWellFormedChallenge(_ challenge: String) -> Bool {
        guard challenge.utf8.count == Self.challengeLength, let bytes = Base64.decode(challenge, .url) else {
            return false
        }
        return bytes.count == 32
    }

    /// `true` for 43-128 characters of RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`), RFC 7636 §4.1.
    public static func isWellFormedVerifier(_ verifier: String) -> Bool {
        Self.verifierLengths.contains(verifier.utf8.count) && verifier.utf8.allSatisfy(Self.isUnreserved)
    }

    /// `BASE64URL(SHA256(ASCII(verifier)))`, RFC 7636 §4.2.
    public static func challenge(for verifier: String) -> String {
        Base64.encode(Array(SHA256.hash(data: Array(verifier.utf8))), .url)
    }

    /// Checks `/token`'s `code_verifier` against the challenge stored with the code.
    ///
    /// The comparison takes time that depends only on the lengths, which are fixed (43 characters) for every
    /// challenge `/authorize` accepted, so it says nothing about how much of the digest matched.
    public static func verify(verifier: String?, challenge storedChallenge: String) -> Verification {
        guard let verifier, !verifier.isEmpty else { return .missingVerifier }
        guard Self.isWellFormedVerifier(verifier) else { return .malformedVerifier }
        let computed = Array(Self.challenge(for: verifier).utf8)
        return SecretToken.constantTimeEquals(computed, Array(storedChallenge.utf8)) ? .matches : .mismatch
    }

    /// RFC 3986 §2.3 `unreserved`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        PercentEncoding.isUnreserved(byte)
    }
}
