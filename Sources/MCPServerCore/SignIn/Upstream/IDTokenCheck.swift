import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The claim checks of OpenID Connect Core §3.1.3.7 on an ID token whose signature has been verified.
enum IDTokenCheck {
    /// Signature algorithms accepted from the provider: asymmetric only, so `none` and `HS256` (keyed with our
    /// client secret, or with a public key by confusion) never pass.
    static let allowedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
    /// Clock difference tolerated between the provider and this server.
    static let clockSkew: TimeInterval = 60
    /// OpenID Connect Core §2: `sub` is at most 255 ASCII characters.
    static let maxSubjectLength = 255

    /// The checked `sub`.
    static func check(
        _ token: SignedJWT,
        issuer: String,
        clientID: String,
        nonce: String,
        now: Date
    ) throws(UpstreamSignInError) -> String {
        guard token.string("iss").map({ $0.utf8.elementsEqual(issuer.utf8) }) == true else {
            throw Self.refused("iss is not the configured issuer")
        }
        let audiences = token.audiences
        guard audiences.contains(clientID) else { throw Self.refused("aud does not contain our client_id") }
        // §3.1.3.7 steps 4-5: with other audiences, the token must say it was issued to us (`azp`).
        if let presenter = token.claims["azp"] {
            guard presenter.stringValue == clientID else { throw Self.refused("azp is not our client_id") }
        } else if audiences.count > 1 {
            throw Self.refused("several audiences and no azp")
        }
        guard let expiresAt = token.date("exp") else { throw Self.refused("no exp") }
        guard expiresAt > now.addingTimeInterval(-Self.clockSkew) else { throw Self.refused("expired") }
        guard let issuedAt = token.date("iat") else { throw Self.refused("no iat") }
        guard issuedAt <= now.addingTimeInterval(Self.clockSkew) else { throw Self.refused("iat is in the future") }
        if let notBefore = token.date("nbf"), notBefore > now.addingTimeInterval(Self.clockSkew) {
            throw Self.refused("not valid yet (nbf)")
        }
        guard let presented = token.string("nonce"),
            SecretToken.constantTimeEquals(Array(presented.utf8), Array(nonce.utf8))
        else { throw Self.refused("nonce does not match the sign-in") }
        guard let subject = token.string("sub"), !subject.isEmpty, subject.utf8.count <= Self.maxSubjectLength else {
            throw Self.refused("sub is missing or too long")
        }
        return subject
    }

    static func refused(_ detail: String) -> UpstreamSignInError {
        UpstreamSignInError(UpstreamOIDCProvider.unverifiedMessage, logDetail: "upstream id_token refused: \(detail)")
    }
}
