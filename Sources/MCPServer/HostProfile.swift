import MCPServerCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What differs between the two hosts of one router, as one value.
struct HostProfile: Sendable {
    /// Whether `/mcp` may answer with an event stream (progress before the result, `subscriptions/listen`, a legacy
    /// question to the client); Lambda's buffered responses cannot.
    var streamsProgress: Bool
    /// Where each request's URLs come from.
    var baseURL: BaseURLSource
    /// Whether the signing key may live in the store: only when one process (or instances sharing one database)
    /// signs and verifies; every Lambda instance must get the same key from a secret or the environment.
    var keyMayLiveInStore: Bool

    /// `mcp-server serve`: a socket, URLs from `--public-url` or the bound address.
    static func socket(_ configuration: ServerConfiguration) -> HostProfile {
        HostProfile(streamsProgress: true, baseURL: configuration.baseURLSource, keyMayLiveInStore: true)
    }

    /// The Lambda Runtime API loop: URLs from `--public-url` or each event's domain and stage.
    static func lambda(_ configuration: ServerConfiguration) -> HostProfile {
        HostProfile(
            streamsProgress: false,
            baseURL: configuration.publicURL.map(BaseURLSource.fixed) ?? .requestContext,
            keyMayLiveInStore: false
        )
    }
}
