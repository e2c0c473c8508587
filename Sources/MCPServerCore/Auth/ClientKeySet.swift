import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The public keys a `private_key_jwt` client registers (RFC 7591 `jwks`, RFC 7517), checked before they are
/// stored: a client that sends a private key, a shared secret or a key nobody could verify with is told so at
/// registration instead of failing at every `/token` call.
enum ClientKeySet {
    static let maxKeys = 10
    /// RSA keys shorter than this are refused (RFC 7518 §3.3 asks for 2048 bits or more).
    static let minRSABits = 2048

    /// Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
    static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// The curves accepted for each key type the assertion algorithms can use.
    static let curves: [String: Set<String>] = ["EC": ["P-256", "P-384"], "OKP": ["Ed25519"]]

    /// Checks a `jwks` value: 1 to ``maxKeys`` public signing keys of a type ``ClientAuthMethod/assertionSigningAlgorithms``
    /// can verify with.
    static func check(_ jwks: JSONValue) throws(OAuthHTTPError) {
        guard case .array(let keys)? = jwks["keys"], (1...Self.maxKeys).contains(keys.count) else {
            throw .invalidClientMetadata("jwks must be a JWK Set with 1 to \(Self.maxKeys) keys")
        }
        for key in keys {
            guard case .object(let members) = key else {
                throw .invalidClientMetadata("each entry of jwks.keys must be a JSON object (a JWK)")
            }
            if let secret = members.keys.first(where: Self.privateMembers.contains) {
                throw .invalidClientMetadata(
                    "jwks must hold public keys only; a key has the private member '\(secret)': never send a private key"
                )
            }
            try Self.checkKey(members)
        }
    }

    /// Checks a `jwks_uri`: an https URL with a host, without userinfo or fragment.
    static func checkURI(_ text: String) throws(OAuthHTTPError) {
        guard text.utf8.count <= ClientMetadataValidator.maxURILength, let components = URLComponents(string: text),
            components.scheme == "https", components.host?.isEmpty == false, components.user == nil,
            components.password == nil, components.fragment == nil
        else { throw .invalidClientMetadata("jwks_uri must be an https URL with a host and no fragment") }
    }

    private static func checkKey(_ members: [String: JSONValue]) throws(OAuthHTTPError) {
        guard case .string(let type)? = members["kty"] else {
            throw .invalidClientMetadata("each key in jwks needs kty")
        }
        if let use = members["use"], use != .string("sig") {
            throw .invalidClientMetadata("keys in jwks must be signing keys (use \"sig\")")
        }
        if let algorithm = members["alg"] {
            guard case .string(let name) = algorithm, ClientAuthMethod.assertionSigningAlgorithms.contains(name) else {
                throw .invalidClientMetadata(
                    "unsupported alg in jwks; use one of "
                        + ClientAuthMethod.assertionSigningAlgorithms.joined(separator: ", ")
                )
            }
        }
        switch type {
        case "RSA":
            guard let modulus = Self.bytes(members["n"]), Self.bytes(members["e"]) != nil else {
                throw .invalidClientMetadata("an RSA key in jwks needs n and e (base64url)")
            }
            let bits = modulus.drop { $0 == 0 }.count * 8
            guard bits >= Self.minRSABits else {
                throw .invalidClientMetadata("RSA keys in jwks must have at least \(Self.minRSABits) bits")
            }
        case "EC", "OKP":
            guard case .string(let curve)? = members["crv"], Self.curves[type]?.contains(curve) == true else {
                let names = (Self.curves[type] ?? []).sorted().joined(separator: ", ")
                throw .invalidClientMetadata("\(type) keys in jwks must use one of the curves \(names)")
            }
            guard Self.bytes(members["x"]) != nil, type == "OKP" || Self.bytes(members["y"]) != nil else {
                throw .invalidClientMetadata("a \(type) key in jwks needs its public coordinates (base64url)")
            }
        default:
            throw .invalidClientMetadata("unsupported kty '\(type)' in jwks; use RSA, EC or OKP public keys")
        }
    }

    private static func bytes(_ value: JSONValue?) -> [UInt8]? {
        guard case .string(let text)? = value, !text.isEmpty else { return nil }
        return Base64.decode(text, .url)
    }
}
