#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where a host's public base URL comes from; the router turns it into each request's ``ServerURLs``.
public enum BaseURLSource: Sendable, Hashable {
    /// Configured (`--public-url`): the same for every request.
    case fixed(URL)
    /// The socket host without a public URL: `SCHEME://HOST:PORT`, with the configured host name and the port the
    /// request arrived on (so `--port 0` names the port the kernel chose).
    case boundAddress(scheme: String = "http", host: String)
    /// The host's request context already carries it (Lambda: from each event's domain and stage).
    case requestContext

    /// The routes' path prefix: known only when the base URL is configured.
    public var pathPrefix: String {
        guard case .fixed(let url) = self else { return "" }
        return ServerURLs(base: url).pathPrefix
    }

    /// The base URL of a socket host listening on `port`, or `nil` where the request context decides.
    public func urls(boundPort port: Int?) -> ServerURLs? {
        switch self {
        case .fixed(let url): return ServerURLs(base: url)
        case .boundAddress(let scheme, let host):
            guard let port else { return nil }
            let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            return ServerURLs(base: "\(scheme)://\(name):\(port)")
        case .requestContext: return nil
        }
    }
}
