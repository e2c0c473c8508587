/// An OAuth 2.0 error body (RFC 6749 §5.2, RFC 7591 §3.2.2).
public struct OAuthErrorResponse: Codable, Sendable, Hashable {
    /// The error code, for example `invalid_client`.
    public var error: String
    public var errorDescription: String?

    public init(error: String, errorDescription: String? = nil) {
        self.error = error
        self.errorDescription = errorDescription
    }

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}
