import Crypto
import Foundation
import JWTKit
import MCPWire
import Testing

@testable import MCPServerCore

/// Keys that sign test JWTs (client assertions, ID tokens), with their public JWK as a client or provider would
/// publish it.
struct TestJWTSigner: Sendable {
    let keys: JWTKeyCollection
    /// The public JWK, `kid` included when the signer has one.
    let publicJWK: JSONValue
    let keyID: String?

    /// A key set with this signer's public key.
    var jwks: JSONValue { ["keys": [self.publicJWK]] }

    /// A fresh P-256 key (ES256).
    static func es256(keyID: String? = "es-1") async throws -> TestJWTSigner {
        let key = ES256PrivateKey()
        let parameters = try #require(key.publicKey.parameters)
        var jwk: [String: JSONValue] = [
            "kty": "EC", "crv": "P-256", "x": .string(parameters.x), "y": .string(parameters.y),
        ]
        if let keyID { jwk["kid"] = .string(keyID) }
        return TestJWTSigner(keys: await JWTKeyCollection().add(ecdsa: key), publicJWK: .object(jwk), keyID: keyID)
    }

    /// The fixed test RSA key (RS256, or PS256 with `pss`): RSA key generation takes seconds, so one is kept here.
    static func rsa(keyID: String? = "rs-1", pss: Bool = false) async throws -> TestJWTSigner {
        let key = try Insecure.RSA.PrivateKey(pem: Self.rsaPEM)
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        var jwk: [String: JSONValue] = [
            "kty": "RSA", "n": .string(Base64.encode(Array(modulus), .url)),
            "e": .string(Base64.encode(Array(exponent), .url)),
        ]
        if let keyID { jwk["kid"] = .string(keyID) }
        let keys = JWTKeyCollection()
        if pss {
            await keys.add(pss: key, digestAlgorithm: .sha256)
        } else {
            await keys.add(rsa: key, digestAlgorithm: .sha256)
        }
        return TestJWTSigner(keys: keys, publicJWK: .object(jwk), keyID: keyID)
    }

    /// A JWT of `claims` signed with this key, `kid` in the header when the signer has one.
    func sign(_ claims: [String: JSONValue]) async throws -> String {
        var header = JWTHeader()
        if let keyID { header.kid = keyID }
        return try await self.keys.sign(Claims(values: claims), header: header)
    }

    /// A token with any header and signature bytes: for `alg: none`, HMAC confusion and tampering.
    static func forged(header: JSONValue, claims: JSONValue, signature: [UInt8]) -> String {
        Base64.encode(header.serialized(), .url) + "." + Base64.encode(claims.serialized(), .url) + "."
            + Base64.encode(signature, .url)
    }

    /// `token` with one character of its signature changed.
    static func tampered(_ token: String) -> String {
        var characters = Array(token)
        let index = characters.count - 5
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }

    /// Any claims, as JSON.
    struct Claims: JWTPayload {
        var values: [String: JSONValue]

        init(values: [String: JSONValue]) { self.values = values }
        init(from decoder: any Decoder) throws { self.values = try JSONValue(from: decoder).objectValue ?? [:] }
        func encode(to encoder: any Encoder) throws { try JSONValue.object(self.values).encode(to: encoder) }
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A 2048-bit RSA key made with openssl for these tests only.
    static let rsaPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDqKCvpN5Qkt1kL
        AORAUdorA9N5HDUOajisVa8PZ6EGtzk27n7cVMpMXwVQzAkaxpLorwJaLRgysAN+
        b1+o5iDZ73cx75JD+Rn5G5DMfx8t25/EEuYebQOfLZI/SYWnce1puNg0Rbq6VIKF
        HMgRCgJQPQmyIjtgYzbx95rW4TC3IKXfCngKmDAK+FffKBmic7rVIEb98cOovdJv
        iNKtbz/XDygNwjy5SP/aiJ0B+IrDCzer9Ar9kAksOncxousgUDaU7yDd1lSXdIDq
        G90A7PPzfJUplC/HlDjiT3E09WVNn0h9dYvki6nxGm+eCBWgczXPjUJodXcvqREK
        unWW54/lAgMBAAECggEAIcwDDIIeYo9JLZ6nE0aNLgy7Ev24hbhcrjkez6MmOY0s
        F6rkSiJ94XiMkJ0mikQTk7yg4wmjtrszgeYK4Vq37qTS6DT7QE7dyhgJtg56HlkX
        DgqpRsZ20ZyXAYX34dN+kDYjFKZk3XyRqytckCMI8vJgaiLpPZAMb+/MXEv8B05L
        EFE1cYlxbsxfOZnZARdaMhie6AgnU/TxoEEszUXVVSu2o0HjI6BzOWcMZBS82/9a
        Pm1QF+cQTeXc4hLIvwgDGv1n1Hn1w/qEje2XR8JI5Dex/t5YZMPih2HyguxUZMUN
        xkkfOuFVz3OgWOdskT8HziTPvpbsHMQjCC5V/MnxUQKBgQD+R7c2JGET2hfRFFNP
        CvUAKBkrAQ1OCVEhN6FPndZR0vLGEWoqlmqXdRopgfEuFAknPxiE19wCYAdjuy6y
        GlFZq/QLbJCFKdKrzWv2RCtl6KwvJUegEDlG/0pzegx/AxQrEnYdDbNr+L7ahg3T
        ZgyoJLZoXgQYc6d50fTYPjDcUQKBgQDrvZzV/ZnmOgQpZaVP/Ty6Kb93LI5qPVUe
        JLcIc4u7xBBfLAJE2k1u0i221lZgG4iXDvBjrtKfeiitEeG0wXo4ooVSbuPY+EOJ
        JXqS60o4ov1RbTHPD+EJTY/sm/XSELlIsl+p1mc01dHZLzs0e2eE/tyC0WU00lAz
        tSVHhmKZVQKBgFo5bCLD6cY3fnfrdFv5kVFK6RM/Pk9QMv9MU+qCIMfLx+TLzRXr
        ZUr0fCH6P2+QIGdSlgqc5S3akQSsKDd96xucTe23ydfWLTBUpVgufA+e7WmVGsMK
        vqgYcXxj9AclOoTF+i74648GJgI3yrQV46vNywNhSKa8ctJg0zXfa0rhAoGBAIzn
        dMrjHg3iN4KW4syAzL9pHKwa0bTmm+28fDps9eRxOGfqYiDNauMGdZSHYHFpg6bm
        owCyCeqQlad8vK/RxT/8xDuVVFLncVaUNEOEp4Rax5bX8aGWGCf7WD9QqQm6PUUa
        eNuG74FBHID4Hicsa5+uxhbbGecMniuJ5pJt3JlRAoGBAKvxKUDw3tYIUxX9Bfvh
        qwe/fyD7P0V/XxqE+vHolu5kZXcx/aA+4NOdMrR5EK117vBCRRlwHXjSSXCkXj5h
        dQ0iIH7tZmFzhl2pIcfWYr+tPuz+NYM5nPWQ6ucIvdwYjMeSs+QvGaUtq07zf86x
        gw8u0F19ItgQB61NqpCdWtMV
        -----END PRIVATE KEY-----
        """
}
