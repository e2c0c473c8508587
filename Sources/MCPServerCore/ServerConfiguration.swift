public import Foundation

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

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: URL? = nil,
        allowedOrigins: [String] = [],
        maxBodyBytes: Int = 4 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.allowedOrigins = allowedOrigins
        self.maxBodyBytes = maxBodyBytes
    }

    /// The base URL clients see once the server listens on `boundPort`.
    public func baseURL(boundPort: Int) -> URL {
        if let publicURL { return publicURL }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return URL(string: "http://\(host):\(boundPort)")!
    }

    /// The origins the ``OriginPolicy`` allows: the configured ones plus the public URL's own.
    public var effectiveAllowedOrigins: [String] {
        var origins = self.allowedOrigins
        if let publicURL, let scheme = publicURL.scheme, let host = publicURL.host {
            origins.append("\(scheme)://\(host)" + (publicURL.port.map { ":\($0)" } ?? ""))
        }
        return origins
    }
}
