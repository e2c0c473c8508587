public import MCPWire

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The settings of `mcp-server serve`, already validated.
public struct ServerConfiguration: Sendable, Hashable {
    /// Address to bind; `127.0.0.1` keeps the server off the network.
    public var host: String
    /// Port to bind; `0` picks a free one.
    public var port: Int
    /// The base URL clients see; `nil` means `http://host:port`.
    public var publicURL: URL?
    /// Browser origins allowed to call the server.
    public var allowedOrigins: [String]
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// Proxies whose `X-Forwarded-For` / `Forwarded` are believed (`--trusted-proxy`).
    public var trustedProxies: [IPNetwork]
    /// When not empty, the only caller addresses served (`--allow-ip`).
    public var allowedNetworks: [IPNetwork]
    /// Which requests get an access-log line (`--access-log`).
    public var accessLog: AccessLogPolicy
    /// `https` when the server terminates TLS itself (`--tls-cert`).
    public var scheme: String

    /// The default of `--max-body-bytes`, written once.
    public static let defaultMaxBodyBytes = 4 * 1024 * 1024

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: URL? = nil,
        allowedOrigins: [String] = [],
        maxBodyBytes: Int = Self.defaultMaxBodyBytes,
        trustedProxies: [IPNetwork] = [],
        allowedNetworks: [IPNetwork] = [],
        accessLog: AccessLogPolicy = .default,
        scheme: String = "http"
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.allowedOrigins = allowedOrigins
        self.maxBodyBytes = maxBodyBytes
        self.trustedProxies = trustedProxies
        self.allowedNetworks = allowedNetworks
        self.accessLog = accessLog
        self.scheme = scheme
    }

    /// Where the socket host's URLs come from: the public URL, or the configured host and the bound port.
    public var baseURLSource: BaseURLSource {
        self.publicURL.map(BaseURLSource.fixed) ?? .boundAddress(scheme: self.scheme, host: self.host)
    }

    /// The base URL clients see once the server listens on `boundPort`.
    public func baseURL(boundPort: Int) -> URL {
        if let publicURL { return publicURL }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return URL(string: "\(self.scheme)://\(host):\(boundPort)")!
    }

    /// The origins the ``OriginPolicy`` allows besides each request's own base URL origin: the configured ones
    /// plus the public URL's.
    public var effectiveAllowedOrigins: [String] {
        var origins = self.allowedOrigins
        if let publicURL, let scheme = publicURL.scheme, let host = publicURL.host {
            origins.append("\(scheme)://\(host)" + (publicURL.port.map { ":\($0)" } ?? ""))
        }
        return origins
    }
}
