import Hummingbird
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `application/x-www-form-urlencoded` body of a `/token` or `/revoke` request (RFC 6749 §3.2, RFC 7009 §2.1):
/// each parameter at most once.
enum OAuthForm {
    /// The largest body read; real requests are well under 4 KiB.
    static let maxBodyBytes = 64 * 1024

    /// Reads and parses the body, or throws the `invalid_request` (or 413) to answer with.
    static func read(_ request: inout Request) async throws -> [String: String] {
        let contentType = request.headers[.contentType]?.split(separator: ";").first?.trimmingOWS()
        guard contentType?.lowercased() == "application/x-www-form-urlencoded" else {
            throw OAuthHTTPError.invalidRequest("Content-Type must be application/x-www-form-urlencoded")
        }
        let body = try await request.collectBody(
            limit: Self.maxBodyBytes,
            tooLarge: OAuthHTTPError(.contentTooLarge, "invalid_request", "the body exceeds 64 KiB")
        )
        guard let pairs = FormURLEncoded.parse(body) else {
            throw OAuthHTTPError.invalidRequest("the form body is malformed")
        }
        var form: [String: String] = [:]
        for (name, value) in pairs {
            guard form.updateValue(value, forKey: name) == nil else {
                throw OAuthHTTPError.invalidRequest("parameter '\(name)' appears more than once")
            }
        }
        return form
    }
}
