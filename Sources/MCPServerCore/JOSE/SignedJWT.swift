public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A compact JWS (RFC 7515 §7.1) whose header and claims have been read but whose signature has **not** been
/// checked yet; ``PublicKeySet/verify(_:allowedAlgorithms:)`` checks it.
///
/// Everything here runs on input anybody can send, so it is small and strict: three base64url parts, a JSON
/// object header with a string `alg`, no `crit` (no extension this server understands could be critical,
/// RFC 7515 §4.1.11), and a JSON object payload.
public struct SignedJWT: Sendable {
    /// The token as given.
    public let text: String
    /// The header's `alg`.
    public let algorithm: String
    /// The header's `kid`, if any.
    public let keyID: String?
    /// The header's `typ`, if any.
    public let type: String?
    /// The claims, unverified until the signature is.
    public let claims: [String: JSONValue]

    /// The longest token read; ID tokens and client assertions are a few KiB at most.
    public static let maxLength = 16 * 1024

    public init(parsing token: String) throws(JWTRefusal) {
        guard token.utf8.count <= Self.maxLength else { throw JWTRefusal("the token is too long") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty, let headerBytes = Base64.decode(parts[0], .url),
            let payloadBytes = Base64.decode(parts[1], .url),
            case .object(let header)? = try? JSONValue(parsing: headerBytes),
            case .object(let claims)? = try? JSONValue(parsing: payloadBytes)
        else { throw JWTRefusal("the token is not a well-formed signed JWT") }
        guard case .string(let algorithm)? = header["alg"] else { throw JWTRefusal("the token's header has no alg") }
        guard header["crit"] == nil else { throw JWTRefusal("the token's header has critical extensions") }
        self.text = token
        self.algorithm = algorithm
        self.keyID = header["kid"]?.stringValue
        self.type = header["typ"]?.stringValue
        self.claims = claims
    }

    /// The string claim `name`, if it is a string.
    public func string(_ name: String) -> String? {
        self.claims[name]?.stringValue
    }

    /// The NumericDate claim `name` (RFC 7519 §2), if it is a number.
    public func date(_ name: String) -> Date? {
        guard let number = self.claims[name]?.numberValue else { return nil }
        return Date(timeIntervalSince1970: number.doubleValue)
    }

    /// The `aud` claim as a list: RFC 7519 §4.1.3 allows one string or an array of strings.
    public var audiences: [String] {
        switch self.claims["aud"] {
        case .string(let audience)?: [audience]
        case .array(let items)?: items.compactMap(\.stringValue)
        default: []
        }
    }
}
