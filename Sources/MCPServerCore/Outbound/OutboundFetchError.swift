/// Why an ``OutboundFetcher`` fetch failed; ``description`` names the rule that refused it and is safe to show a
/// person and to put in an `error_description` (it never carries the body, headers or a resolved address).
public struct OutboundFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: Sendable, Hashable {
        /// Not an acceptable URL (scheme, credentials, fragment, host spelling).
        case invalidURL
        /// The host is, or resolves to, an address the policy refuses.
        case refusedAddress
        /// The host name did not resolve.
        case unresolvable
        /// No connection, or TLS failed (certificate, hostname).
        case connectionFailed
        /// The fetch took longer than the policy's timeout.
        case timedOut
        /// The body is longer than the policy's limit.
        case tooLarge
        /// The server answered with a redirect, which is never followed.
        case redirected
        /// The fetcher's own settings are unusable (extra trust roots that are not PEM certificates).
        case invalidConfiguration
        /// Too many fetches of this kind are already in progress (address lookups): refused at once, not queued,
        /// and worth trying again shortly. Callers that cache failures should not cache this one.
        case busy
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
