/// What an ``OutboundFetcher`` may reach and how much it reads.
///
/// The defaults suit a URL someone else chose (a Client ID Metadata Document, a client's `jwks_uri`): https only,
/// public addresses only, small bodies, a short timeout. The upstream OpenID provider, which the operator chose,
/// gets a policy that also allows private addresses (``upstream(_:)``).
public struct OutboundPolicy: Sendable, Hashable {
    /// Whether private, loopback, link-local and other non-public addresses may be connected to. Off, a URL that
    /// names or resolves to one is refused, so a fetch cannot be aimed at services inside the network.
    public var allowPrivateAddresses: Bool
    /// Whether `http` is allowed for a host that is loopback (`127.0.0.0/8`, `::1`, `localhost` resolving only
    /// there). Nothing else is ever fetched over plain http.
    public var allowHTTPOnLoopback: Bool
    /// PEM certificates trusted besides the system's roots (tests, private CAs).
    public var extraTrustRootsPEM: String?
    /// The largest response body read; a longer one is an error, and reading stops there.
    public var maxBytes: Int
    /// How long one fetch may take, from resolving the host to the last byte of the body.
    public var timeout: Duration

    public init(
        allowPrivateAddresses: Bool = false,
        allowHTTPOnLoopback: Bool = false,
        extraTrustRootsPEM: String? = nil,
        maxBytes: Int = 5 * 1024,
        timeout: Duration = .seconds(5)
    ) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.allowHTTPOnLoopback = allowHTTPOnLoopback
        self.extraTrustRootsPEM = extraTrustRootsPEM
        self.maxBytes = maxBytes
        self.timeout = timeout
    }

    /// The policy for Client ID Metadata Documents and the `jwks_uri` of clients, from the operator's settings.
    public init(_ documents: MetadataDocumentPolicy) {
        self.init(
            allowPrivateAddresses: documents.allowPrivateAddresses,
            extraTrustRootsPEM: documents.extraTrustRootsPEM,
            maxBytes: documents.maxBytes,
            timeout: documents.timeout
        )
    }

    /// The policy for the upstream OpenID provider: the operator named it, so it may live on a private network
    /// (a Keycloak at 10.0.0.5), and plain http is allowed only when the configured issuer itself is http on a
    /// loopback host (a provider on the same machine, as in tests). Key sets can be larger than client documents.
    public static func upstream(_ provider: UpstreamProviderConfiguration) -> OutboundPolicy {
        OutboundPolicy(
            allowPrivateAddresses: true,
            allowHTTPOnLoopback: OutboundURL.isHTTPLoopback(provider.issuer),
            extraTrustRootsPEM: provider.extraTrustRootsPEM,
            maxBytes: 256 * 1024,
            timeout: .seconds(10)
        )
    }
}
