import JWTKit
public import MCPWire

/// The public signing keys of a JSON Web Key Set (RFC 7517 §5), read by this server rather than by jwt-kit's
/// `add(jwk:)`, which refuses keys without a `kid`: some providers publish exactly one key and no `kid`, and sign
/// tokens without one.
///
/// A token is checked only with keys that can make its `alg`: the right key type and curve, a key `alg` (if
/// given) equal to it, `use` (if given) `sig`, and the token's `kid` (if given) equal to the key's. The `alg` must
/// be in the caller's allow-list of asymmetric algorithms, so `none` and `HS256` keyed with a public key never
/// verify. Keys with private parts, unknown types or unusable parameters are skipped, as RFC 7517 §5 asks of
/// unknown members.
public struct PublicKeySet: Sendable {
    /// One public key.
    struct Key: Sendable {
        enum Material: Sendable {
            case rsa(modulus: String, exponent: String)
            case ellipticCurve(curve: String, x: String, y: String)
            case octetKeyPair(curve: String, x: String)
        }

        var keyID: String?
        var algorithm: String?
        var material: Material
    }

    let keys: [Key]

    /// The number of keys a token could be checked with.
    public var count: Int { self.keys.count }

    /// The most keys read from one set; real sets hold a handful.
    static let maxKeys = 50

    /// Reads `{"keys": [...]}`.
    /// - Throws: ``JWTRefusal`` when it is not a key set.
    public init(json: JSONValue) throws(JWTRefusal) {
        guard case .array(let items)? = json["keys"] else { throw JWTRefusal("the key set has no keys array") }
        self.keys = items.prefix(Self.maxKeys).compactMap(Self.key)
    }

    /// Reads a key set from its JSON text.
    public init(bytes: [UInt8]) throws(JWTRefusal) {
        guard let json = try? JSONValue(parsing: bytes) else { throw JWTRefusal("the key set is not JSON") }
        try self.init(json: json)
    }

    /// `true` when some key could check a token signed with `algorithm` under `keyID`.
    public func hasKey(for algorithm: String, keyID: String?) -> Bool {
        !self.candidates(algorithm: algorithm, keyID: keyID).isEmpty
    }

    /// Checks `token`'s signature.
    /// - Throws: ``JWTRefusal`` when the algorithm is not allowed, no key fits, or the signature is wrong.
    public func verify(_ token: SignedJWT, allowedAlgorithms: Set<String>) async throws(JWTRefusal) {
        guard allowedAlgorithms.contains(token.algorithm) else {
            throw JWTRefusal("the token's signing algorithm \(token.algorithm) is not accepted")
        }
        let candidates = self.candidates(algorithm: token.algorithm, keyID: token.keyID)
        guard !candidates.isEmpty else { throw JWTRefusal("no published key matches the token") }
        let collection = JWTKeyCollection()
        for (index, key) in candidates.enumerated() {
            // Made-up identifiers: the collection needs one per key, and the token's `kid` was matched above.
            guard (try? await Self.add(key, algorithm: token.algorithm, kid: "key-\(index)", to: collection)) != nil
            else { continue }
        }
        do {
            _ = try await collection.verify(token.text, as: SignatureOnly.self, iteratingKeys: candidates.count > 1)
        } catch {
            throw JWTRefusal("the token's signature does not verify")
        }
    }

    private func candidates(algorithm: String, keyID: String?) -> [Key] {
        self.keys.filter { key in
            if let keyID, key.keyID != keyID { return false }
            if let declared = key.algorithm, declared != algorithm { return false }
            switch (key.material, algorithm) {
            case (.rsa, "RS256"), (.rsa, "RS384"), (.rsa, "RS512"), (.rsa, "PS256"), (.rsa, "PS384"), (.rsa, "PS512"):
                return true
            case (.ellipticCurve(let curve, _, _), "ES256"): return curve == "P-256"
            case (.ellipticCurve(let curve, _, _), "ES384"): return curve == "P-384"
            case (.octetKeyPair(let curve, _), "EdDSA"): return curve == "Ed25519"
            default: return false
            }
        }
    }

    private static func add(_ key: Key, algorithm: String, kid: String, to collection: JWTKeyCollection) async throws {
        let identifier = JWKIdentifier(string: kid)
        switch (key.material, algorithm) {
        case (.rsa(let modulus, let exponent), _):
            let publicKey = try Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
            let digest: DigestAlgorithm =
                switch algorithm.suffix(3) {
                case "384": .sha384
                case "512": .sha512
                default: .sha256
                }
            if algorithm.hasPrefix("PS") {
                await collection.add(pss: publicKey, digestAlgorithm: digest, kid: identifier)
            } else {
                await collection.add(rsa: publicKey, digestAlgorithm: digest, kid: identifier)
            }
        case (.ellipticCurve(_, let x, let y), "ES384"):
            await collection.add(ecdsa: try ES384PublicKey(parameters: (x, y)), kid: identifier)
        case (.ellipticCurve(_, let x, let y), _):
            await collection.add(ecdsa: try ES256PublicKey(parameters: (x, y)), kid: identifier)
        case (.octetKeyPair(_, let x), _):
            await collection.add(eddsa: try EdDSA.PublicKey(x: x, curve: .ed25519), kid: identifier)
        }
    }

    private static func key(_ json: JSONValue) -> Key? {
        guard case .object(let members) = json, case .string(let type)? = members["kty"] else { return nil }
        // A published set never holds private parts; one that does is not trusted with them or its public half.
        guard members["d"] == nil else { return nil }
        if let use = members["use"] { guard use.stringValue == "sig" else { return nil } }
        let material: Key.Material
        switch type {
        case "RSA":
            guard let modulus = members["n"]?.stringValue, let exponent = members["e"]?.stringValue else { return nil }
            material = .rsa(modulus: modulus, exponent: exponent)
        case "EC":
            guard let curve = members["crv"]?.stringValue, let x = members["x"]?.stringValue,
                let y = members["y"]?.stringValue
            else { return nil }
            material = .ellipticCurve(curve: curve, x: x, y: y)
        case "OKP":
            guard let curve = members["crv"]?.stringValue, let x = members["x"]?.stringValue else { return nil }
            material = .octetKeyPair(curve: curve, x: x)
        default:
            return nil
        }
        return Key(keyID: members["kid"]?.stringValue, algorithm: members["alg"]?.stringValue, material: material)
    }
}

/// A payload jwt-kit decodes to nothing: it checks only the signature, and the claims are read from
/// ``SignedJWT`` and checked against the caller's clock and rules.
struct SignatureOnly: JWTPayload {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
