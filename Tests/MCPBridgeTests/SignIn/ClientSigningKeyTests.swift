import Crypto
import CryptoExtras
import Foundation
import MCPWire
import Testing

@testable import MCPBridgeCore

@Suite("private_key_jwt client assertions (RFC 7523)")
struct ClientSigningKeyTests {
    /// `openssl ecparam -name prime256v1 -genkey` output (a throwaway test key): SEC 1, after a parameters block.
    static let sec1WithParameters = """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIIn0BFL1i/P0tqVKkfeyiU1UcczDF/JAqeR6NrBwXQ4FoAoGCCqGSM49
        AwEHoUQDQgAE67Q49IuI4DE6dpJfg+imrwFCVlR9FmwISQhEQz7Ms6fu6fNaFCuV
        SNW1xUnRcZhsgCD5FkFDMSI8yWQoJyiadA==
        -----END EC PRIVATE KEY-----

        """

    /// A decoded compact JWS: header, claims, signing input and signature.
    struct Decoded {
        var header: [String: JSONValue]
        var claims: [String: JSONValue]
        var signingInput: [UInt8]
        var signature: [UInt8]

        init(_ jws: String) throws {
            let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
            try #require(parts.count == 3)
            let header = try #require(Base64.decode(parts[0], .url))
            let claims = try #require(Base64.decode(parts[1], .url))
            self.header = try #require(try JSONValue(parsing: header).objectValue)
            self.claims = try #require(try JSONValue(parsing: claims).objectValue)
            self.signingInput = Array("\(parts[0]).\(parts[1])".utf8)
            self.signature = try #require(Base64.decode(parts[2], .url))
        }
    }

    static func checkClaims(_ decoded: Decoded, now: Date) {
        let issuedAt = Int(now.timeIntervalSince1970)
        #expect(decoded.claims["iss"] == "client-1")
        #expect(decoded.claims["sub"] == "client-1")
        #expect(decoded.claims["aud"] == "https://as.example.com")
        #expect(decoded.claims["iat"] == .number(JSONNumber(issuedAt)))
        #expect(decoded.claims["exp"] == .number(JSONNumber(issuedAt + 60)))
        #expect((decoded.claims["jti"]?.stringValue?.utf8.count ?? 0) >= 16)
        #expect(decoded.header["typ"] == "JWT")
    }

    @Test("a P-256 key (PKCS #8) signs ES256 assertions that its public key verifies")
    func es256() throws {
        let key = P256.Signing.PrivateKey()
        let signing = try ClientSigningKey(pem: key.pemRepresentation, keyID: "key-1")
        #expect(signing.algorithm == "ES256")
        let now = Date()
        let jws = try signing.assertion(clientID: "client-1", audience: "https://as.example.com", now: now)
        let decoded = try Decoded(jws)
        #expect(decoded.header["alg"] == "ES256")
        #expect(decoded.header["kid"] == "key-1")
        Self.checkClaims(decoded, now: now)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: decoded.signature)
        #expect(key.publicKey.isValidSignature(signature, for: decoded.signingInput))
        // A fresh jti every time: servers refuse a replayed one.
        let again = try Decoded(try signing.assertion(clientID: "client-1", audience: "https://as.example.com"))
        #expect(again.claims["jti"] != decoded.claims["jti"])
    }

    @Test("a SEC 1 key after an EC PARAMETERS block is read; no kid when none was given")
    func sec1() throws {
        let signing = try ClientSigningKey(pem: Self.sec1WithParameters)
        let block = try #require(ClientSigningKey.privateKeyBlock(in: Self.sec1WithParameters))
        let key = try P256.Signing.PrivateKey(pemRepresentation: block)
        let decoded = try Decoded(try signing.assertion(clientID: "client-1", audience: "https://as.example.com"))
        #expect(decoded.header["kid"] == nil)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: decoded.signature)
        #expect(key.publicKey.isValidSignature(signature, for: decoded.signingInput))
    }

    @Test("RSA keys (PKCS #1 and PKCS #8) sign RS256 assertions that their public key verifies")
    func rs256() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(key.pemRepresentation.contains("BEGIN RSA PRIVATE KEY"))
        for pem in [key.pemRepresentation, key.pkcs8PEMRepresentation] {
            let signing = try ClientSigningKey(pem: pem)
            #expect(signing.algorithm == "RS256")
            let now = Date()
            let decoded = try Decoded(
                try signing.assertion(clientID: "client-1", audience: "https://as.example.com", now: now)
            )
            #expect(decoded.header["alg"] == "RS256")
            Self.checkClaims(decoded, now: now)
            #expect(
                key.publicKey.isValidSignature(
                    _RSA.Signing.RSASignature(rawRepresentation: decoded.signature),
                    for: SHA256.hash(data: decoded.signingInput),
                    padding: .insecurePKCS1v1_5
                )
            )
        }
    }

    @Test("keys that cannot sign these assertions are refused with a clear error")
    func refused() throws {
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        for (pem, words) in [
            ("not a key", "not a PEM private key"),
            (P384.Signing.PrivateKey().pemRepresentation, "neither a P-256"),
            (small.pemRepresentation, "2048 bits"),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"),
            (P256.Signing.PrivateKey().publicKey.pemRepresentation, "not a PEM private key"),
        ] {
            let error = #expect(throws: BridgeError.self) { try ClientSigningKey(pem: pem) }
            #expect(error?.description.contains(words) == true, "\(error?.description ?? "")")
        }
    }

    @Test("a pre-registered client's authentication follows the server's metadata")
    func preRegistered() throws {
        func metadata(_ methods: [String]?, algorithms: [String]? = nil) -> AuthorizationServerMetadata {
            AuthorizationServerMetadata(
                issuer: "https://as.example.com",
                authorizationEndpoint: nil,
                tokenEndpoint: "https://as.example.com/token",
                registrationEndpoint: nil,
                jwksURI: nil,
                scopesSupported: nil,
                responseTypesSupported: ["code"],
                grantTypesSupported: nil,
                tokenEndpointAuthMethodsSupported: methods,
                tokenEndpointAuthSigningAlgValuesSupported: algorithms
            )
        }
        let secret = PreRegisteredClient(clientID: "c", authentication: .secret("s"))
        #expect(try ClientAuthentication.preRegistered(secret, metadata: metadata(nil)) == .basic("c", "s"))
        #expect(
            try ClientAuthentication.preRegistered(secret, metadata: metadata(["client_secret_post"]))
                == .post("c", "s")
        )
        #expect(
            try ClientAuthentication.preRegistered(
                secret,
                metadata: metadata(["client_secret_post", "client_secret_basic"])
            ) == .basic("c", "s")
        )
        let public_ = PreRegisteredClient(clientID: "c", authentication: .none)
        #expect(try ClientAuthentication.preRegistered(public_, metadata: metadata(["none"])) == .none("c"))

        let key = try ClientSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation)
        let keyed = PreRegisteredClient(clientID: "c", authentication: .privateKey(key))
        #expect(
            try ClientAuthentication.preRegistered(
                keyed,
                metadata: metadata(["private_key_jwt"], algorithms: ["ES256"])
            )
                == .privateKeyJWT("c", key, audience: "https://as.example.com")
        )
        #expect(throws: BridgeError.self) {
            try ClientAuthentication.preRegistered(keyed, metadata: metadata(["client_secret_basic"]))
        }
        #expect(throws: BridgeError.self) {
            try ClientAuthentication.preRegistered(keyed, metadata: metadata(nil, algorithms: ["RS256"]))
        }
    }
}
