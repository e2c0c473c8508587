/// A successful token response (RFC 6749 §5.1).
public struct TokenResponse: Codable, Sendable, Hashable {
    public var accessToken: String
    public var tokenType: String
    /// Lifetime in seconds.
    public var expiresIn: Int?
    public var scope: String?

    public init(accessToken: String, tokenType: String = "Bearer", expiresIn: Int?, scope: String?) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scope = scope
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
    }
}
