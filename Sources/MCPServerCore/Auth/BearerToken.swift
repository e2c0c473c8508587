import Foundation
import HTTPTypes

/// Reads `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive).
enum BearerToken {
    /// The token, `nil` when the header is absent, or `""` when it is present but not a bearer token.
    static func from(_ headers: HTTPFields) -> String? {
        guard let value = headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return "" }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
