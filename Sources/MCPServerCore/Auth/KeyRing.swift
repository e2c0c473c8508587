import Crypto
import JWTKit
public import Logging
public import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The JWT signing and verification keys.
///
/// Three sources, decided at start: the store (the default: an ES256 key is created on first start and
/// kept, so restarts and other instances keep verifying), a PEM the operator passes in, or an HS256 shared
/// secret (weaker: anyone who can verify can also forge, and there is nothing to publish at `/jwks.json`).
///
/// In store mode the ring re-reads the store every ``refreshInterval`` and whenever a token names a key
/// it does not know, so a `mcp-server keys rotate` in another process reaches every running server.
public actor KeyRing {
    /// Where the keys come from.
    public enum Source: Sendable {
        case store
        /// An ES256 key the operator gives (PEM), plus keys that only verify: the previous key during a
        /// rotation, so tokens it signed keep working until they expire.
        case operatorPEM(String, previous: [String] = [])
        case sharedSecret(String)
    }

    /// The JWS algorithm tokens carry.
    public nonisolated let algorithm: String
    /// Counts the changes of the set of verifying keys, readable without awaiting the actor, so
    /// ``TokenVerifier`` can drop what it verified under keys that are gone.
    public nonisolated var generation: Int { self.generationBox.withLockedValue { $0 } }
    private nonisolated let generationBox = NIOLockedValueBox(0)
    /// The raw bytes of the keys that verify, the signing key first: what ``derivedSecrets(purpose:)`` derives from.
    private nonisolated let keyMaterial = NIOLockedValueBox([[UInt8]]())
    /// Longest token lifetime; a retired key keeps verifying this long (plus slack) after retirement.
    let tokenLifetime: Duration
    static let refreshInterval: Duration = .seconds(30)
    private let source: Source
    private let store: any ServerStore
    private let logger: Logger
    private var collection = JWTKeyCollection()
    private var signingKID: String = ""
    private var verifyingKIDs: Set<String> = []
    private var publicJWKs: [JSONValue] = []
    private var loadedAt: ContinuousClock.Instant = .now
    private var lastUnknownKIDReload: ContinuousClock.Instant?

    /// Loads (and in store mode, creates on first start) the keys.
    public static func load(
        source: Source,
        store: any ServerStore,
        tokenLifetime: Duration,
        logger: Logger
    ) async throws -> KeyRing {
        let ring = KeyRing(source: source, store: store, tokenLifetime: tokenLifetime, logger: logger)
        try await ring.reload()
        return ring
    }

    private init(source: Source, store: any ServerStore, tokenLifetime: Duration, logger: Logger) {
        self.source = source
        self.store = store
        self.tokenLifetime = tokenLifetime
        self.logger = logger
        if case .sharedSecret = source {
            self.algorithm = "HS256"
        } else {
            self.algorithm = "ES256"
        }
    }

    /// The `kid` new tokens are signed with.
    public var currentKeyID: String { self.signingKID }

    /// 256-bit secrets for `purpose`, one per key that verifies tokens, the signing key's first: derived
    /// (HKDF-SHA256, with `purpose` as the domain) from each key's raw bytes, so every instance with the same keys
    /// derives the same secrets, whether the keys come from the operator or from a shared store, and however the
    /// PEM text is laid out; knowing a secret reveals nothing of its key. The list follows rotations: a secret of
    /// the previous key still verifies what was made with it.
    public nonisolated func derivedSecrets(purpose: String) -> [[UInt8]] {
        self.keyMaterial.withLockedValue { $0 }.map { material in
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: material),
                salt: Array("remote-mcp derived secret".utf8),
                info: Array("remote-mcp \(purpose)".utf8),
                outputByteCount: 32
            ).withUnsafeBytes { Array($0) }
        }
    }

    /// The raw private key (the P-256 scalar) of a PEM.
    private static func rawKey(pem: String) throws -> [UInt8] {
        Array(try P256.Signing.PrivateKey(pemRepresentation: pem).rawRepresentation)
    }

    /// `/jwks.json`: the public keys that verify tokens (none in shared-secret mode).
    public var jwks: JSONValue { ["keys": .array(self.publicJWKs)] }

    /// Signs claims with the current key, as an RFC 9068 access token (`typ: at+jwt`).
    func sign(_ claims: AccessTokenClaims) async throws -> String {
        try await self.refreshIfStale()
        var header = JWTHeader()
        header.typ = "at+jwt"
        header.alg = self.algorithm
        return try await self.collection.sign(claims, kid: JWKIdentifier(string: self.signingKID), header: header)
    }

    /// Verifies the signature and expiry of `token`, signed by key `kid`.
    func verify(_ token: String, kid: String) async throws -> AccessTokenClaims {
        if !self.verifyingKIDs.contains(kid) {
            try await self.reloadForUnknownKID()
            guard self.verifyingKIDs.contains(kid) else { throw KeyRingError.unknownKey }
        } else {
            try await self.refreshIfStale()
        }
        return try await self.collection.verify(token, as: AccessTokenClaims.self)
    }

    // MARK: - Loading

    private func refreshIfStale() async throws {
        guard case .store = self.source, ContinuousClock.now - self.loadedAt > Self.refreshInterval else { return }
        try await self.reload()
    }

    /// An unknown `kid` may be a key another process just created; look, but at most every few seconds
    /// so a flood of forged tokens cannot turn into a flood of store reads.
    private func reloadForUnknownKID() async throws {
        guard case .store = self.source else { return }
        if let last = self.lastUnknownKIDReload, ContinuousClock.now - last < .seconds(5) { return }
        self.lastUnknownKIDReload = .now
        try await self.reload()
    }

    private func reload() async throws {
        let previousKIDs = self.verifyingKIDs
        defer {
            if self.verifyingKIDs != previousKIDs { self.generationBox.withLockedValue { $0 += 1 } }
        }
        let collection = JWTKeyCollection()
        var material: [[UInt8]] = []
        switch self.source {
        case .sharedSecret(let secret):
            await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "hs256")
            self.signingKID = "hs256"
            self.verifyingKIDs = ["hs256"]
            self.publicJWKs = []
            material = [Array(secret.utf8)]
        case .operatorPEM(let pem, let previous):
            var kids: Set<String> = []
            var jwks: [JSONValue] = []
            for (index, text) in ([pem] + previous).enumerated() {
                let key = try ES256PrivateKey(pem: text)
                let kid = try Self.thumbprint(of: key)
                if index == 0 { self.signingKID = kid }
                guard kids.insert(kid).inserted else { continue }
                await collection.add(ecdsa: key, kid: JWKIdentifier(string: kid))
                jwks.append(try Self.jwk(of: key, kid: kid))
                material.append(try Self.rawKey(pem: text))
            }
            self.verifyingKIDs = kids
            self.publicJWKs = jwks
        case .store:
            var stored = try await self.store.signingKeys()
            if !stored.contains(where: { $0.retiredAt == nil }) {
                let created = try Self.newStoredKey()
                do {
                    try await self.store.insertSigningKey(created)
                    self.logger.notice("Created JWT signing key", metadata: ["jwt.kid": "\(created.id)"])
                } catch let error as ServerStoreError where error == .duplicate {
                    // Another process created one at the same moment; use whatever is there now.
                }
                stored = try await self.store.signingKeys()
            }
            let now = Date()
            let slack = Double(self.tokenLifetime.components.seconds) + 120
            var kids: Set<String> = []
            var jwks: [JSONValue] = []
            var raw: [(id: String, bytes: [UInt8])] = []
            for record in stored where record.algorithm == "ES256" {
                if let retired = record.retiredAt, retired.addingTimeInterval(slack) < now { continue }
                let key = try ES256PrivateKey(pem: record.privateKeyPEM)
                await collection.add(ecdsa: key, kid: JWKIdentifier(string: record.id))
                kids.insert(record.id)
                jwks.append(try Self.jwk(of: key, kid: record.id))
                raw.append((record.id, try Self.rawKey(pem: record.privateKeyPEM)))
            }
            // Newest key that is not retired signs; `signingKeys()` is newest first.
            guard let signer = stored.first(where: { $0.retiredAt == nil && $0.algorithm == "ES256" }) else {
                throw KeyRingError.noSigningKey
            }
            material = raw.filter { $0.id == signer.id }.map(\.bytes) + raw.filter { $0.id != signer.id }.map(\.bytes)
            self.signingKID = signer.id
            self.verifyingKIDs = kids
            self.publicJWKs = jwks
        }
        self.collection = collection
        self.keyMaterial.withLockedValue { $0 = material }
        self.loadedAt = .now
    }

    /// A new ES256 key for the store; its `kid` is its RFC 7638 thumbprint.
    public static func newStoredKey(now: Date = Date()) throws -> StoredSigningKey {
        let key = ES256PrivateKey()
        return StoredSigningKey(
            id: try Self.thumbprint(of: key),
            algorithm: "ES256",
            privateKeyPEM: key.pemRepresentation,
            createdAt: now
        )
    }

    /// RFC 7638 JWK thumbprint of the public key.
    static func thumbprint(of key: ES256PrivateKey) throws -> String {
        guard let (x, y) = key.parameters else { throw KeyRingError.noSigningKey }
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Base64.encode(Array(SHA256.hash(data: Array(canonical.utf8))), .url)
    }

    /// The public JWK (RFC 7517) for `/jwks.json`.
    static func jwk(of key: ES256PrivateKey, kid: String) throws -> JSONValue {
        guard let (x, y) = key.parameters else { throw KeyRingError.noSigningKey }
        return [
            "kty": "EC", "crv": "P-256", "x": .string(x), "y": .string(y), "kid": .string(kid), "alg": "ES256",
            "use": "sig",
        ]
    }

    /// Makes a new key current and retires the others (they keep verifying their tokens until expiry),
    /// and forgets keys retired longer than a token lives. For `mcp-server keys rotate`.
    public static func rotate(
        store: any ServerStore,
        tokenLifetime: Duration,
        now: Date = Date()
    ) async throws -> StoredSigningKey {
        let fresh = try Self.newStoredKey(now: now)
        try await store.insertSigningKey(fresh)
        let slack = Double(tokenLifetime.components.seconds) + 120
        for var key in try await store.signingKeys() where key.id != fresh.id {
            if let retired = key.retiredAt {
                if retired.addingTimeInterval(slack) < now { _ = try await store.deleteSigningKey(id: key.id) }
            } else {
                key.retiredAt = now
                try await store.updateSigningKey(key)
            }
        }
        return fresh
    }
}

/// Why the key ring could not serve.
enum KeyRingError: Error, Hashable {
    case noSigningKey
    case unknownKey
}
