import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The claims of an access token (RFC 9068 §2.2).
struct AccessTokenClaims: JWTPayload, Equatable {
    var issuer: IssuerClaim
    var subject: SubjectClaim
    var audience: AudienceClaim
    var expiration: ExpirationClaim
    var issuedAt: IssuedAtClaim
    /// Never set in tokens this server issues; honoured when present (RFC 7519 §4.1.5).
    var notBefore: NotBeforeClaim? = nil
    var id: IDClaim
    /// RFC 8705 §3.1: the certificate the token is bound to.
    var confirmation: Confirmation? = nil
    var clientID: String
    var scope: String
    /// The grant family a person's token was issued from (`sid`, as in OpenID Connect); absent from client
    /// credentials tokens, whose `sub` is the client.
    var sessionID: String? = nil
    /// When the person signed in (RFC 9068 §2.2.1 `auth_time`); absent from client credentials tokens.
    var authTime: AuthTimeClaim? = nil

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case subject = "sub"
        case audience = "aud"
        case expiration = "exp"
        case issuedAt = "iat"
        case notBefore = "nbf"
        case id = "jti"
        case confirmation = "cnf"
        case clientID = "client_id"
        case scope
        case sessionID = "sid"
        case authTime = "auth_time"
    }

    /// `auth_time`: a NumericDate, like `iat`.
    struct AuthTimeClaim: JWTUnixEpochClaim, Equatable {
        var value: Date
    }

    /// RFC 7800 `cnf` with RFC 8705's `x5t#S256`.
    struct Confirmation: Codable, Equatable {
        var certificateThumbprint: String

        enum CodingKeys: String, CodingKey {
            case certificateThumbprint = "x5t#S256"
        }
    }

    /// Nothing here: expiry, issuer, audience and the rest are checked once, by ``TokenVerifier``, against
    /// the clock it is given and with a reason for each failure.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
