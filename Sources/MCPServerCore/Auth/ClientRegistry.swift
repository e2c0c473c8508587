public import Foundation
public import MCPWire

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
            // A client that proves itself with its certificate gets no secret: it could not use one.
            let usesCertificate = ClientAuthMethod(rawValue: metadata.tokenEndpointAuthMethod ?? "")?.usesCertificate
            return self.information(
                client,
                metadata: metadata,
                secret: usesCertificate == true ? nil : secret,
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
    /// Nothing may widen what the client was granted: an omitted `scope`, `grant_types` or
    /// `token_endpoint_auth_method` keeps the stored value, a scope or grant outside the stored ones is refused,
    /// and the authentication method cannot change (RFC 7592 §2.2 lets the server refuse any value it would
    /// not have granted).
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
        var metadata = try ClientMetadataValidator.validate(json, mutualTLS: self.mutualTLS)
        let granted = try Self.metadata(of: client)
        func given(_ key: String) -> Bool { members[key] != nil && members[key] != .null }
        if !given("scope") {
            metadata.scope = granted.scope
        } else {
            let allowed = Set(OAuthScope.parse(granted.scope ?? ""))
            for scope in OAuthScope.parse(metadata.scope ?? "") where !allowed.contains(scope) {
                throw OAuthHTTPError.invalidClientMetadata(
                    "scope '\(scope)' was not granted to this client; an update can only narrow the scope"
                )
            }
        }
        if !given("grant_types") {
            metadata.grantTypes = granted.grantTypes
        } else {
            let allowed = Set(granted.grantTypes ?? [])
            for grant in metadata.grantTypes ?? [] where !allowed.contains(grant) {
                throw OAuthHTTPError.invalidClientMetadata(
                    "grant type '\(grant)' was not granted to this client; an update cannot add one"
                )
            }
        }
        let method = granted.tokenEndpointAuthMethod ?? ClientMetadataValidator.defaultAuthMethod
        if given("token_endpoint_auth_method"), metadata.tokenEndpointAuthMethod != method {
            throw OAuthHTTPError.invalidClientMetadata("token_endpoint_auth_method is fixed at \(method)")
        }
        metadata.tokenEndpointAuthMethod = method
        // The operator's CA vouches for this subject; a client cannot move itself to another one.
        if given("tls_client_auth_subject_dn"), metadata.tlsClientAuthSubjectDN != granted.tlsClientAuthSubjectDN {
            throw OAuthHTTPError.invalidClientMetadata("tls_client_auth_subject_dn is fixed")
        }
        metadata.tlsClientAuthSubjectDN = granted.tlsClientAuthSubjectDN
        // The registered certificates are the client's identity: whoever holds only the registration access token
        // (a stolen credentials file) must not swap in their own.
        if given("jwks"), metadata.jwks != granted.jwks {
            throw OAuthHTTPError.invalidClientMetadata("jwks is fixed; register a new client for other certificates")
        }
        metadata.jwks = granted.jwks
        // Bound tokens protect against stolen credentials; an update cannot turn that off.
        if granted.tlsClientCertificateBoundAccessTokens == true {
            guard metadata.tlsClientCertificateBoundAccessTokens != false else {
                throw OAuthHTTPError.invalidClientMetadata(
                    "tls_client_certificate_bound_access_tokens cannot be turned off"
                )
            }
            metadata.tlsClientCertificateBoundAccessTokens = true
        }
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
