public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Registers, reads, replaces and removes OAuth clients (RFC 7591, RFC 7592), for the HTTP endpoints and
/// the operator CLI alike. Secrets are returned once, at creation, and stored only as hashes.
public struct ClientRegistry: Sendable {
    let store: any ServerStore
    /// Whether the certificate methods of RFC 8705 are offered (the server asks for client certificates).
    let mutualTLS: Bool

    /// - Parameter mutualTLS: whether clients may register the certificate methods of RFC 8705; the operator CLI
    ///   passes `true` (the operator knows what the server offers).
    public init(store: any ServerStore, mutualTLS: Bool = false) {
        self.store = store
        self.mutualTLS = mutualTLS
    }

    /// Validates metadata (JSON, as received) and registers a new client.
    /// - Parameter urls: where the client's `registration_client_uri` lives.
    /// - Returns: the full client information response, with the secret and registration access token.
    public func register(_ json: JSONValue, urls: ServerURLs, now: Date = Date()) async throws -> ClientInformation {
        let metadata = try ClientMetadataValidator.validate(json, mutualTLS: self.mutualTLS)
        return try await self.register(metadata, urls: urls, now: now)
    }

    /// Registers already-validated metadata.
    func register(_ metadata: ClientMetadata, urls: ServerURLs, now: Date) async throws -> ClientInformation {
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
            // Only the secret methods get a secret: a public client, a key holder or a certificate holder could
            // not use one, and a secret nobody needs is one more to leak. (The stored hash then matches nothing.)
            let usesSecret = ClientAuthMethod(rawValue: metadata.tokenEndpointAuthMethod ?? "")?.usesSecret ?? true
            return self.information(
                client,
                metadata: metadata,
                secret: usesSecret ? secret : nil,
                registrationToken: registrationToken,
                urls: urls
            )
        }
        throw ServerStoreError.duplicate
    }

    /// The client `id` when `registrationToken` is its registration access token; `nil` otherwise (whether
    /// or not the client exists, so callers cannot tell the two apart).
    public func authenticate(id: String, registrationToken: String) async throws -> StoredClient? {
        let client = Self.isWellFormed(id: id) ? try await self.store.client(id: id) : nil
        // Compare against a dummy hash when the client is missing, so both paths take the same time.
        let matches = SecretToken.matches(
            registrationToken,
            storedHash: client?.registrationTokenHash ?? Self.dummyHash
        )
        return matches ? client : nil
    }

    /// The client `id` when `secret` is its client secret; `nil` otherwise, in the same time either way.
    public func authenticate(id: String, secret: String) async throws -> StoredClient? {
        let client = Self.isWellFormed(id: id) ? try await self.store.client(id: id) : nil
        let matches = SecretToken.matches(secret, storedHash: client?.secretHash ?? Self.dummyHash)
        return matches ? client : nil
    }

    /// Whether `id` could be a client id at all: 1 to 128 URL-safe characters. Checked before any store
    /// lookup, so an empty or huge id is an unknown client, not a backend error (DynamoDB refuses both keys).
    public static func isWellFormed(id: String) -> Bool {
        (1...Self.maxClientIDLength).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "~")
            }
    }

    static let maxClientIDLength = 128

    private static let dummyHash = SecretToken.hash("no client has this secret or token")

    /// RFC 7592 §2.2 full replacement of a client's metadata.
    ///
    /// Nothing may widen what the client was granted: an omitted `scope`, `grant_types`,
    /// `token_endpoint_auth_method`, `application_type`, `jwks`, `jwks_uri` or certificate setting keeps the stored
    /// value; a scope or grant outside the stored ones is refused; and the authentication method, the application
    /// type (a `native` client may register private-use redirect schemes), the keys and the certificate settings
    /// cannot change (RFC 7592 §2.2 lets the server refuse any value it would not have granted). Redirect URIs may
    /// change, and are checked again as at registration.
    public func replace(
        _ client: StoredClient,
        with json: JSONValue,
        registrationToken: String,
        urls: ServerURLs,
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
        let granted = try Self.metadata(of: client)
        let metadata = try ClientMetadataValidator.validate(json, mutualTLS: self.mutualTLS, granted: granted)
        try Self.checkNarrows(metadata, granted: granted)
        var updated = client
        updated.metadata = try JSONValue(encoding: metadata)
        updated.updatedAt = now
        try await self.store.updateClient(updated)
        return self.information(
            updated,
            metadata: metadata,
            secret: nil,
            registrationToken: registrationToken,
            urls: urls
        )
    }

    /// Refuses an update that would give the client anything it was not granted.
    private static func checkNarrows(_ metadata: ClientMetadata, granted: ClientMetadata) throws(OAuthHTTPError) {
        let allowedScopes = Set(OAuthScope.parse(granted.scope ?? ""))
        for scope in OAuthScope.parse(metadata.scope ?? "") where !allowedScopes.contains(scope) {
            throw .invalidClientMetadata(
                "scope '\(scope)' was not granted to this client; an update can only narrow the scope"
            )
        }
        let allowedGrants = Set(granted.grantTypes ?? [])
        for grant in metadata.grantTypes ?? [] where !allowedGrants.contains(grant) {
            throw .invalidClientMetadata(
                "grant type '\(grant)' was not granted to this client; an update cannot add one"
            )
        }
        let method = granted.tokenEndpointAuthMethod ?? ClientMetadataValidator.defaultAuthMethod
        guard metadata.tokenEndpointAuthMethod == method else {
            throw .invalidClientMetadata("token_endpoint_auth_method is fixed at \(method)")
        }
        // Clients registered before application_type was recorded are web clients, as RFC 7591 readers assume.
        let applicationType = granted.applicationType ?? "web"
        guard metadata.applicationType == applicationType else {
            throw .invalidClientMetadata("application_type is fixed at \(applicationType)")
        }
        // The operator's CA vouches for this subject; a client cannot move itself to another one.
        guard metadata.tlsClientAuthSubjectDN == granted.tlsClientAuthSubjectDN else {
            throw .invalidClientMetadata("tls_client_auth_subject_dn is fixed")
        }
        // The registered keys and certificates are the client's identity: whoever holds only the registration access
        // token (a stolen credentials file) must not swap in their own.
        guard metadata.jwks == granted.jwks, metadata.jwksURI == granted.jwksURI else {
            throw .invalidClientMetadata("jwks and jwks_uri are fixed; register a new client for other keys")
        }
        // Bound tokens protect against stolen credentials; an update cannot turn that off.
        if granted.tlsClientCertificateBoundAccessTokens == true, metadata.tlsClientCertificateBoundAccessTokens != true
        {
            throw .invalidClientMetadata("tls_client_certificate_bound_access_tokens cannot be turned off")
        }
    }

    /// The client information response for a stored client (no secret: it exists only as a hash).
    public func information(
        _ client: StoredClient,
        registrationToken: String?,
        urls: ServerURLs
    ) throws -> ClientInformation {
        self.information(
            client,
            metadata: try Self.metadata(of: client),
            secret: nil,
            registrationToken: registrationToken,
            urls: urls
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
        registrationToken: String?,
        urls: ServerURLs
    )
        -> ClientInformation
    {
        ClientInformation(
            clientID: client.id,
            clientSecret: secret,
            clientIDIssuedAt: Int(client.createdAt.timeIntervalSince1970),
            clientSecretExpiresAt: 0,
            registrationAccessToken: registrationToken,
            registrationClientURI: urls.client(client.id),
            metadata: metadata
        )
    }
}
