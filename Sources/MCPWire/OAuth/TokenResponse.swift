/// A successful token response (RFC 6749 §5.1).
public struct TokenResponse: Codable, Sendable, Hashable {
    public var accessToken: String
    public var tokenType: String
    /// Lifetime in seconds.
    public var expiresIn: Int?
    public var scope: String?
    /// The refresh token of the authorization code and refresh token grants (RFC 6749 §6); each use returns a new one.
    public var refreshToken: String?
    /// The OpenID Connect ID token, when the scope asked for `openid` (OpenID Connect Core §3.1.3.3).
    public var idToken: String?

    public init(
        accessToken: String,
        tokenType: String = "Bearer",
        expiresIn: Int?,
        scope: String?,
        refreshToken: String? = nil,
        idToken: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scope = scope
        self.refreshToken = refreshToken
        self.idToken = idToken
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
        case refreshToken = "refresh_token"
        case idToken = "id_token"
    }
}
