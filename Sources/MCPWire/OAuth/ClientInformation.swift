/// A client information response (RFC 7591 §3.2.1, RFC 7592 §3): the credentials plus every registered
/// metadata value, flattened into one JSON object.
public struct ClientInformation: Codable, Sendable, Hashable {
    public var clientID: String
    /// Present only when a secret was just issued (registration); never readable afterwards.
    public var clientSecret: String?
    public var clientIDIssuedAt: Int?
    /// `0`: the secret does not expire.
    public var clientSecretExpiresAt: Int?
    public var registrationAccessToken: String?
    public var registrationClientURI: String?
    public var metadata: ClientMetadata

    public init(
        clientID: String,
        clientSecret: String?,
        clientIDIssuedAt: Int?,
        clientSecretExpiresAt: Int?,
        registrationAccessToken: String?,
        registrationClientURI: String?,
        metadata: ClientMetadata
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientIDIssuedAt = clientIDIssuedAt
        self.clientSecretExpiresAt = clientSecretExpiresAt
        self.registrationAccessToken = registrationAccessToken
        self.registrationClientURI = registrationClientURI
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case clientIDIssuedAt = "client_id_issued_at"
        case clientSecretExpiresAt = "client_secret_expires_at"
        case registrationAccessToken = "registration_access_token"
        case registrationClientURI = "registration_client_uri"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.clientID = try container.decode(String.self, forKey: .clientID)
        self.clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
        self.clientIDIssuedAt = try container.decodeIfPresent(Int.self, forKey: .clientIDIssuedAt)
        self.clientSecretExpiresAt = try container.decodeIfPresent(Int.self, forKey: .clientSecretExpiresAt)
        self.registrationAccessToken = try container.decodeIfPresent(String.self, forKey: .registrationAccessToken)
        self.registrationClientURI = try container.decodeIfPresent(String.self, forKey: .registrationClientURI)
        self.metadata = try ClientMetadata(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try self.metadata.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.clientID, forKey: .clientID)
        try container.encodeIfPresent(self.clientSecret, forKey: .clientSecret)
        try container.encodeIfPresent(self.clientIDIssuedAt, forKey: .clientIDIssuedAt)
        try container.encodeIfPresent(self.clientSecretExpiresAt, forKey: .clientSecretExpiresAt)
        try container.encodeIfPresent(self.registrationAccessToken, forKey: .registrationAccessToken)
        try container.encodeIfPresent(self.registrationClientURI, forKey: .registrationClientURI)
    }
}
