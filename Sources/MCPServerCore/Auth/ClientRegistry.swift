public import Foundation
public import MCPWire

/// Registers, reads, replaces and removes OAuth clients (RFC 7591, RFC 7592), for the HTTP endpoints and
/// the operator CLI alike. Secrets are returned once, at creation, and stored only as hashes.
public struct ClientRegistry: Sendable {
    let store: any ServerStore
    let urls: ServerURLs

    public init(store: any ServerStore, urls: ServerURLs) {
        self.store = store
        self.urls = urls
    }

    /// Validates metadata (JSON, as received) and registers a new client.
    /// - Returns: the full client information response, with the secret and registration access token.
    public func register(_ json: JSONValue, now: Date = Date()) async throws -> ClientInformation {
        let metadata = try ClientMetadataValidator.validate(json)
        return try await self.register(metadata, now: now)
    }

    /// Registers already-validated metadata.
    func register(_ metadata: ClientMetadata, now: Date) async throws -> ClientInformation {
        let secret = SecretToken.generate()
        let registrationToken = SecretToken.generate()
        for _ in 0..<3 {
            // 128 random bits: a collision is a bug or a broken RNG, but retrying costs nothing.
            let id = "mcp_" + SecretToken.generate(byteCount: 16)
            let client = StoredClient(
                id: id,
                secretHash: SecretToken.hash(secret),
                registrationTokenHash: SecretToken.hash(registrationToken),
                metadata: try JSONValue(encoding: metadata),
                createdAt: now,
                updatedAt: now
            )
            do {
                try await self.store.insertClient(client)
            } catch let error as ServerStoreError where error == .duplicate {
                continue
            }
            return self.information(client, metadata: metadata, secret: secret, registrationToken: registrationToken)
        }
        throw ServerStoreError.duplicate
    }

    /// The client `id` when `registrationToken` is its registration access token; `nil` otherwise (whether
    /// or not the client exists, so callers cannot tell the two apart).
    public func authenticate(id: String, registrationToken: String) async throws -> StoredClient? {
        let client = try await self.store.client(id: id)
        // Compare against a dummy hash when the client is missing, so both paths take the same time.
        let matches = SecretToken.matches(
            registrationToken,
            storedHash: client?.registrationTokenHash ?? Self.dummyHash
        )
        return matches ? client : nil
    }

    /// The client `id` when `secret` is its client secret; `nil` otherwise, in the same time either way.
    public func authenticate(id: String, secret: String) async throws -> StoredClient? {
        let client = try await self.store.client(id: id)
        let matches = SecretToken.matches(secret, storedHash: client?.secretHash ?? Self.dummyHash)
        return matches ? client : nil
    }

    private static let dummyHash = SecretToken.hash("no client has this secret or token")

    /// RFC 7592 §2.2 full replacement of a client's metadata.
    public func replace(
        _ client: StoredClient,
        with json: JSONValue,
        registrationToken: String,
        now: Date = Date()
    )
        async throws -> ClientInformation
    {
        guard case .object(let members) = json else {
            throw OAuthHTTPError.invalidClientMetadata("the body must be a JSON object")
        }
        guard members["client_id"] == .string(client.id) else {
            throw OAuthHTTPError.invalidClientMetadata("client_id must be present and equal to this client's id")
        }
        for forbidden in [
            "registration_access_token", "registration_client_uri", "client_secret_expires_at", "client_id_issued_at",
        ]
        where members[forbidden] != nil {
            throw OAuthHTTPError.invalidClientMetadata("\(forbidden) must not be sent in an update")
        }
        if let secret = members["client_secret"] {
            guard case .string(let text) = secret, SecretToken.matches(text, storedHash: client.secretHash) else {
                throw OAuthHTTPError.invalidClientMetadata(
                    "client_secret does not match; a client cannot choose its secret"
                )
            }
        }
        let metadata = try ClientMetadataValidator.validate(json)
        var updated = client
        updated.metadata = try JSONValue(encoding: metadata)
        updated.updatedAt = now
        try await self.store.updateClient(updated)
        return self.information(updated, metadata: metadata, secret: nil, registrationToken: registrationToken)
    }

    /// The client information response for a stored client (no secret: it exists only as a hash).
    public func information(_ client: StoredClient, registrationToken: String?) throws -> ClientInformation {
        self.information(
            client,
            metadata: try Self.metadata(of: client),
            secret: nil,
            registrationToken: registrationToken
        )
    }

    /// The registered metadata of a stored client.
    public static func metadata(of client: StoredClient) throws -> ClientMetadata {
        try client.metadata.decode(as: ClientMetadata.self)
    }

    private func information(
        _ client: StoredClient,
        metadata: ClientMetadata,
        secret: String?,
        registrationToken: String?
    )
        -> ClientInformation
    {
        ClientInformation(
            clientID: client.id,
            clientSecret: secret,
            clientIDIssuedAt: Int(client.createdAt.timeIntervalSince1970),
            clientSecretExpiresAt: 0,
            registrationAccessToken: registrationToken,
            registrationClientURI: self.urls.client(client.id),
            metadata: metadata
        )
    }
}
