import MCPWire

/// What is read of an access token before any cryptography: the compact JWS shape and its protected header.
///
/// Everything here runs on input anybody can send, so it is kept apart from the signature check (jwt-kit) and
/// fuzzed on its own (`fuzz/`). The payload is only decoded by jwt-kit, after the signature verified.
struct AccessTokenEnvelope: Sendable, Hashable {
    /// The header's `alg`.
    let algorithm: String
    /// The header's `kid`.
    let keyID: String

    /// Why a token was refused before its signature was looked at; the text goes into `error_description`.
    enum Failure: Error, Hashable {
        case malformed
        case notAnAccessToken
        case noKeyID

        var reason: String {
            switch self {
            case .malformed: "malformed token"
            case .notAnAccessToken: "not an access token (typ must be at+jwt)"
            case .noKeyID: "token names no key"
            }
        }
    }

    /// The longest token looked at; real ones are under 1 KiB.
    static let maxLength = 8192

    /// Splits `token` into its three parts and reads the header: `typ` must be `at+jwt` (RFC 9068 §2.1).
    static func parse(_ token: some StringProtocol) throws(Failure) -> AccessTokenEnvelope {
        guard token.utf8.count <= Self.maxLength else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty, let headerBytes = Base64.decode(parts[0], .url),
            let header = try? JSONValue(parsing: headerBytes), case .object = header
        else { throw .malformed }
        guard let type = header["typ"]?.stringValue?.lowercased(), type == "at+jwt" || type == "application/at+jwt"
        else { throw .notAnAccessToken }
        guard let algorithm = header["alg"]?.stringValue else { throw .malformed }
        guard let keyID = header["kid"]?.stringValue, !keyID.isEmpty else { throw .noKeyID }
        return AccessTokenEnvelope(algorithm: algorithm, keyID: keyID)
    }
}
