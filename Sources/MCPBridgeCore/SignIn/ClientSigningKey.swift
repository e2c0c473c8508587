import Crypto
import CryptoExtras
import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The private key of a pre-registered `private_key_jwt` client (RFC 7523 §2.2, `--private-key-file`), and the
/// client assertions it signs.
///
/// P-256 keys sign with ES256, RSA keys (2048 bits or more) with RS256: the two algorithms authorization servers
/// accept most widely. The PEM may be PKCS #8 (`PRIVATE KEY`), SEC 1 (`EC PRIVATE KEY`) or PKCS #1
/// (`RSA PRIVATE KEY`), and may hold other blocks too (`openssl ecparam -genkey` writes `EC PARAMETERS` first).
public struct ClientSigningKey: Sendable, Hashable {
    /// The private key block of the PEM, as read.
    let pem: String
    /// The `kid` put in assertion headers, when the user gave one.
    public let keyID: String?
    private let signer: Signer

    private enum Signer: Sendable {
        case es256(P256.Signing.PrivateKey)
        case rs256(_RSA.Signing.PrivateKey)
    }

    /// How long an assertion is valid: long enough for one token request, short enough that a copied one is
    /// useless soon after.
    public static let assertionLifetime: TimeInterval = 60

    /// Parses `pem`; a clear error for anything that is not a supported private key.
    public init(pem: String, keyID: String? = nil) throws(BridgeError) {
        guard let block = Self.privateKeyBlock(in: pem) else {
            if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
                throw .configuration(
                    "the private key is encrypted; write it unencrypted (`openssl pkcs8 -topk8 -nocrypt`) to a file only you can read"
                )
            }
            throw .configuration(
                "the private key is not a PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)"
            )
        }
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: block) {
            self.signer = .es256(key)
        } else if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: block) {
            self.signer = .rs256(key)
        } else {
            throw .configuration(
                "the private key is neither a P-256 EC key nor an RSA key of 2048 bits or more (other curves and sizes are not supported)"
            )
        }
        self.pem = block
        self.keyID = keyID.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The JWS algorithm of the assertions: `ES256` or `RS256`.
    public var algorithm: String {
        switch self.signer {
        case .es256: "ES256"
        case .rs256: "RS256"
        }
    }

    /// A client assertion (RFC 7523 §3): a compact JWS with `iss` and `sub` the client id, `aud` as given (the
    /// authorization server's issuer identifier, as the current drafts and the MCP specification's examples
    /// use), a random `jti`, and `exp` ``assertionLifetime`` after `iat`.
    public func assertion(clientID: String, audience: String, now: Date = Date()) throws(BridgeError) -> String {
        let issuedAt = Int(now.timeIntervalSince1970)
        let header = Header(alg: self.algorithm, typ: "JWT", kid: self.keyID)
        let claims = Claims(
            iss: clientID,
            sub: clientID,
            aud: audience,
            jti: SecureRandom.token(bytes: 16),
            iat: issuedAt,
            exp: issuedAt + Int(Self.assertionLifetime)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput: String
        do {
            signingInput =
                Base64.encode(try encoder.encode(header), .url) + "." + Base64.encode(try encoder.encode(claims), .url)
        } catch {
            throw .configuration("the client assertion could not be encoded: \(error)")
        }
        let signature: [UInt8]
        do {
            switch self.signer {
            case .es256(let key):
                signature = Array(try key.signature(for: Array(signingInput.utf8)).rawRepresentation)
            case .rs256(let key):
                signature = Array(
                    try key.signature(for: SHA256.hash(data: Array(signingInput.utf8)), padding: .insecurePKCS1v1_5)
                        .rawRepresentation
                )
            }
        } catch {
            throw .configuration("signing the client assertion failed: \(error)")
        }
        return signingInput + "." + Base64.encode(signature, .url)
    }

    public static func == (left: ClientSigningKey, right: ClientSigningKey) -> Bool {
        left.pem == right.pem && left.keyID == right.keyID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.pem)
        hasher.combine(self.keyID)
    }

    /// The first private key block of `pem` (with its BEGIN and END lines), skipping parameters and certificates.
    static func privateKeyBlock(in pem: String) -> String? {
        for label in ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"] {
            let begin = "-----BEGIN \(label)-----"
            let end = "-----END \(label)-----"
            guard let start = pem.firstRange(of: begin),
                let finish = pem[start.upperBound...].firstRange(of: end)
            else { continue }
            return String(pem[start.lowerBound..<finish.upperBound])
        }
        return nil
    }

    private struct Header: Encodable {
        let alg: String
        let typ: String
        let kid: String?
    }

    private struct Claims: Encodable {
        let iss: String
        let sub: String
        let aud: String
        let jti: String
        let iat: Int
        let exp: Int
    }
}
