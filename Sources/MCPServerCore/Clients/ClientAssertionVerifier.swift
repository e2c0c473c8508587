import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Checks `private_key_jwt` client authentication at `/token` (RFC 7523 §2.2 and §3, OpenID Connect Core §9):
/// a JWT the client signed with a key it published in `jwks` or at `jwks_uri`.
///
/// In order, cheapest first: the client is registered for `private_key_jwt`; the token is a signed JWT with an
/// algorithm of ``ClientAuthMethod/assertionSigningAlgorithms`` (never `none` or an HMAC); `iss` and `sub` are the
/// client; `aud` is this server's issuer identifier, as one string (not an array, not the token endpoint URL);
/// `exp` is present, not past
/// and not more than ``maxLifetime`` ahead; `nbf` and `iat`, when present, are not in the future; `jti` is present.
/// Then the signature, with the client's keys (a `jwks_uri` is fetched with an ``OutboundFetcher`` under the
/// metadata-document policy, cached, and fetched again once when no key matches the token, at most every
/// ``keyRefreshInterval``). Last, the `jti` is claimed once in the store until the assertion expires, so a
/// replayed assertion is refused; a forged one never gets that far, so it cannot use up a real one's `jti`.
public struct ClientAssertionVerifier: Sendable {
    /// `client_assertion_type` for JWT client authentication (RFC 7523 §2.2).
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// The furthest ahead an assertion's `exp` may be: assertions are made for one request, and a short life
    /// bounds how long their `jti` must be remembered.
    public static let maxLifetime: Duration = .seconds(300)
    /// Clock difference tolerated between the client and this server.
    public static let clockSkew: Duration = .seconds(60)
    /// The earliest a client's `jwks_uri` is fetched again because no key matched a token.
    public static let keyRefreshInterval: Duration = .seconds(30)
    /// The longest `jti` accepted.
    static let maxJTILength = 256
    /// Key sets are larger than client documents; a `jwks_uri` may be this large whatever the document limit.
    static let minKeySetBytes = 16 * 1024

    let store: any SignInStore
    let fetcher: OutboundFetcher
    let policy: MetadataDocumentPolicy
    private let keySets = FetchCache<PublicKeySet>(capacity: 1_000)

    /// - Parameter policy: how a client's `jwks_uri` is fetched: the same rules as Client ID Metadata Documents.
    /// - Throws: ``OutboundFetchError`` when the policy's extra trust roots are not PEM.
    public init(store: any SignInStore, policy: MetadataDocumentPolicy) throws {
        var outbound = OutboundPolicy(policy)
        outbound.maxBytes = max(outbound.maxBytes, Self.minKeySetBytes)
        self.init(store: store, fetcher: try OutboundFetcher(policy: outbound), policy: policy)
    }

    init(store: any SignInStore, fetcher: OutboundFetcher, policy: MetadataDocumentPolicy) {
        self.store = store
        self.fetcher = fetcher
        self.policy = policy
    }

    /// Checks `assertion` (the `client_assertion` parameter) for `client`.
    /// - Parameter audiences: what `aud` may be, each as one string compared exactly: `/token` passes only this
    ///   server's issuer identifier.
    /// - Throws: ``ClientAssertionError``, whose description is safe for `error_description`.
    public func verify(assertion: String, client: KnownClient, audiences: [String], now: Date) async throws {
        guard client.tokenEndpointAuthMethod == ClientAuthMethod.privateKeyJWT.rawValue else {
            throw ClientAssertionError("the client is not registered for private_key_jwt")
        }
        let token: SignedJWT
        do {
            token = try SignedJWT(parsing: assertion)
        } catch {
            throw ClientAssertionError("client_assertion: \(error.description)")
        }
        guard ClientAuthMethod.assertionSigningAlgorithms.contains(token.algorithm) else {
            throw ClientAssertionError("client_assertion: the signing algorithm \(token.algorithm) is not accepted")
        }
        let (jti, expiresAt) = try Self.checkClaims(token, clientID: client.id, audiences: audiences, now: now)
        let keys = try await self.keys(of: client, for: token, now: now)
        do {
            try await keys.verify(token, allowedAlgorithms: Set(ClientAuthMethod.assertionSigningAlgorithms))
        } catch {
            throw ClientAssertionError("client_assertion: \(error.description)")
        }
        let claimed = try await self.store.claimOnce(
            key: "assertion-jti:\(client.id):\(jti)",
            expiresAt: expiresAt.addingTimeInterval(Self.clockSkew.timeInterval),
            now: now
        )
        guard claimed else { throw ClientAssertionError("client_assertion was already used (jti replayed)") }
    }

    /// The claims of RFC 7523 §3; returns the `jti` and `exp`.
    static func checkClaims(
        _ token: SignedJWT,
        clientID: String,
        audiences: [String],
        now: Date
    ) throws(ClientAssertionError) -> (jti: String, expiresAt: Date) {
        let skew = Self.clockSkew.timeInterval
        guard token.string("iss") == clientID else {
            throw ClientAssertionError("client_assertion: iss must be the client_id")
        }
        guard token.string("sub") == clientID else {
            throw ClientAssertionError("client_assertion: sub must be the client_id")
        }
        // draft-ietf-oauth-rfc7523bis: the audience is the issuer identifier alone, compared as a string. An
        // assertion to the token endpoint URL may have been made for another authorization server whose metadata
        // names this server's token endpoint, and replayed here by it; one with an array may name other servers
        // too. Only the issuer identifier, which another server's metadata cannot claim, says it was made for us.
        guard case .string(let audience)? = token.claims["aud"], audiences.contains(audience) else {
            throw ClientAssertionError(
                "client_assertion: aud must be this authorization server's issuer identifier, as one string"
            )
        }
        guard let expiresAt = token.date("exp") else { throw ClientAssertionError("client_assertion: exp is required") }
        guard expiresAt > now.addingTimeInterval(-skew) else {
            throw ClientAssertionError("client_assertion has expired")
        }
        guard expiresAt <= now.addingTimeInterval(Self.maxLifetime.timeInterval + skew) else {
            throw ClientAssertionError(
                "client_assertion: exp is more than \(Self.maxLifetime.components.seconds) seconds ahead"
            )
        }
        if let notBefore = token.date("nbf"), notBefore > now.addingTimeInterval(skew) {
            throw ClientAssertionError("client_assertion is not valid yet (nbf)")
        }
        if token.claims["iat"] != nil {
            guard let issuedAt = token.date("iat"), issuedAt <= now.addingTimeInterval(skew) else {
                throw ClientAssertionError("client_assertion: iat is in the future")
            }
        }
        guard let jti = token.string("jti"), !jti.isEmpty, jti.utf8.count <= Self.maxJTILength else {
            throw ClientAssertionError("client_assertion: jti is required")
        }
        return (jti, expiresAt)
    }

    /// The client's published keys that could check `token`.
    private func keys(of client: KnownClient, for token: SignedJWT, now: Date) async throws -> PublicKeySet {
        if let jwks = client.metadata.jwks {
            do {
                return try PublicKeySet(json: jwks)
            } catch {
                throw ClientAssertionError("the client's registered jwks is not a JSON Web Key Set")
            }
        }
        guard let uri = client.metadata.jwksURI else {
            throw ClientAssertionError("the client has no jwks or jwks_uri")
        }
        let keys = try await self.fetchKeys(uri, now: now)
        if keys.hasKey(for: token.algorithm, keyID: token.keyID) { return keys }
        // A client that rotated its keys: fetch once more, unless the set is fresh from the last such fetch.
        return try await self.fetchKeys(uri, now: now, refreshingIfOlderThan: Self.keyRefreshInterval)
    }

    private func fetchKeys(
        _ uri: String,
        now: Date,
        refreshingIfOlderThan age: Duration? = nil
    ) async throws
        -> PublicKeySet
    {
        do {
            return try await self.keySets.value(for: uri, now: now, refreshingIfOlderThan: age) {
                await self.load(uri, now: now)
            }
        } catch let error as ClientAssertionError {
            throw error
        } catch {
            throw ClientAssertionError("the client's jwks_uri could not be fetched")
        }
    }

    private func load(_ uri: String, now: Date) async -> FetchCache<PublicKeySet>.Loaded {
        do {
            let response = try await self.fetcher.get(uri, accept: "application/jwk-set+json, application/json")
            guard response.status == 200 else {
                throw ClientAssertionError("the client's jwks_uri answered HTTP \(response.status)")
            }
            let keys: PublicKeySet
            do {
                keys = try PublicKeySet(bytes: response.body)
            } catch {
                throw ClientAssertionError("the client's jwks_uri does not serve a JSON Web Key Set")
            }
            let lifetime = HTTPCacheLifetime.of(
                response,
                now: now,
                default: self.policy.defaultCacheLifetime,
                ceiling: self.policy.maxCacheLifetime
            )
            return .init(result: .success(keys), lifetime: lifetime)
        } catch let error as OutboundFetchError {
            let failure = ClientAssertionError("the client's jwks_uri could not be fetched: \(error.description)")
            return .init(result: .failure(failure), lifetime: ClientMetadataDocumentFetcher.failureLifetime)
        } catch {
            return .init(result: .failure(error), lifetime: ClientMetadataDocumentFetcher.failureLifetime)
        }
    }
}
