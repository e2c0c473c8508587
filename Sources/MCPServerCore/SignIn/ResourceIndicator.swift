#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 8707 `resource` values that name this server's MCP endpoint.
///
/// The same rule as `/token` applies (scheme and host compared case-insensitively, trailing slashes on the
/// path ignored, no query or fragment), so `/authorize` never accepts a value the token endpoint would refuse
/// for the same request, or the other way round. The grants work should make both use this type.
enum ResourceIndicator {
    /// `true` when `value` names `mcpURL`.
    static func names(_ value: String, mcpURL: String) -> Bool {
        guard let given = URLComponents(string: value), let ours = URLComponents(string: mcpURL),
            given.fragment == nil, given.scheme != nil, given.host != nil
        else { return false }
        var givenPath = given.path
        while givenPath.hasSuffix("/") { givenPath.removeLast() }
        return given.scheme?.lowercased() == ours.scheme?.lowercased()
            && given.host?.lowercased() == ours.host?.lowercased()
            && given.port == ours.port && givenPath == ours.path && given.query == nil
            && given.user == nil && given.password == nil
    }
}
