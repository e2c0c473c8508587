public import AsyncHTTPClient
import MCPWire
public import NIOCore
import NIOSSL

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How the bridge reaches the network: proxy, extra trust roots, timeouts, plain-HTTP policy.
public struct NetworkSettings: Sendable {
    /// A PEM file of extra CA certificates (corporate TLS interception), added to the system trust store.
    public var caFile: String?
    /// The proxy to use for the server, already matched against `NO_PROXY`.
    public var proxy: ProxySettings?
    /// How long the server may stay silent (before the answer starts, and between chunks of it).
    public var timeout: TimeAmount
    /// How long to keep trying to connect (with backoff) before calling the server unreachable.
    public var connectRetryWindow: TimeAmount
    /// Whether `http://` is allowed to hosts other than loopback.
    public var allowPlainHTTP: Bool
    /// A TLS client certificate to present to the server and its authorization server (mutual TLS, RFC 8705).
    public var clientCertificate: ClientCertificateFiles?

    /// The timeout when none is given, in seconds.
    public static let defaultTimeoutSeconds: Int64 = 120

    public init(
        caFile: String? = nil,
        proxy: ProxySettings? = nil,
        timeout: TimeAmount = .seconds(Self.defaultTimeoutSeconds),
        connectRetryWindow: TimeAmount = .seconds(10),
        allowPlainHTTP: Bool = false,
        clientCertificate: ClientCertificateFiles? = nil
    ) {
        self.caFile = caFile
        self.proxy = proxy
        self.timeout = timeout
        self.connectRetryWindow = connectRetryWindow
        self.allowPlainHTTP = allowPlainHTTP
        self.clientCertificate = clientCertificate
    }

    /// Refuses `http://` to anything but loopback unless allowed: tokens and client secrets travel on this
    /// connection (OAuth 2.1 §1.5, MCP authorization "Communication Security").
    public func check(_ url: URL) throws(BridgeError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw .configuration("the server URL must start with https:// (got \(url.absoluteString))")
        }
        guard url.host?.isEmpty == false else {
            throw .configuration("the server URL has no host: \(url.absoluteString)")
        }
        if scheme == "http" && !self.allowPlainHTTP && !Self.isLoopback(url) {
            throw .configuration(
                "refusing plain http:// to \(url.host ?? "?"): tokens would travel unencrypted. Use https://, or pass --allow-http"
            )
        }
    }

    /// Whether `url` names this machine: `localhost`, or an IP literal in 127.0.0.0/8 or `::1`.
    ///
    /// The host is parsed as an address, never matched by its spelling: `127.evil.example` is a name anyone can
    /// point anywhere. Names under `.localhost` are not trusted either, since the system resolver need not keep
    /// them on this machine.
    public static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased(), !host.isEmpty else { return false }
        if host == "localhost" { return true }
        return IPAddress(host)?.isLoopback ?? false
    }

    /// The AsyncHTTPClient configuration these settings describe.
    public func clientConfiguration() throws(BridgeError) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw .configuration("--ca-file \(caFile) cannot be read")
            }
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw BridgeError.configuration("--ca-file \(caFile) holds no certificate")
                }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch {
                throw .configuration("--ca-file \(caFile) is not a PEM certificate file: \(error)")
            }
        }
        if let clientCertificate {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate.certificate)
                    .map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientCertificate.key, format: .pem))
            } catch {
                throw .configuration(
                    "--client-cert \(clientCertificate.certificate) with --client-key \(clientCertificate.key) cannot be used: \(error)"
                )
            }
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: self.timeout),
            proxy: self.proxy.map { proxy in
                HTTPClient.Configuration.Proxy.server(
                    host: proxy.host,
                    port: proxy.port,
                    authorization: proxy.authorization.map { .basic(credentials: $0) }
                )
            },
            ignoreUncleanSSLShutdown: false,
            decompression: .disabled
        )
        // Many requests can be in flight at once (the host does not wait for one answer before the next
        // request), and over HTTP/1.1 each needs its own connection.
        // An idle connection is dropped after 4 s, before the servers' own keep-alive timeouts end it (uvicorn's and
        // Node's are 5 s): a request sent on a connection the server is closing at that moment is lost with "the
        // server closed the connection". Node's undici, which mcp-remote uses, keeps 4 s for the same reason.
        configuration.connectionPool = .init(idleTimeout: .seconds(4), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // The bridge retries connection failures itself, with a bounded window, so the host hears back quickly
        // when the server is really gone.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

/// An HTTP proxy from `HTTPS_PROXY` / `HTTP_PROXY`, unless `NO_PROXY` exempts the server.
public struct ProxySettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// `user:password`, base64-encoded, when the proxy URL carried credentials.
    public var authorization: String?

    public init(host: String, port: Int, authorization: String? = nil) {
        self.host = host
        self.port = port
        self.authorization = authorization
    }

    /// The proxy for `server`, following curl's conventions: `https_proxy`/`HTTPS_PROXY` for https,
    /// `http_proxy`/`HTTP_PROXY` for http (the upper-case form is ignored for http, as curl does, because CGI
    /// sets it from a request header), `ALL_PROXY` as fallback; `NO_PROXY` is a comma list of host suffixes,
    /// `*` for all.
    public static func resolve(for server: URL, environment: [String: String]) throws(BridgeError) -> ProxySettings? {
        guard let host = server.host?.lowercased() else { return nil }
        func value(_ names: String...) -> String? {
            for name in names { if let value = environment[name], !value.isEmpty { return value } }
            return nil
        }
        if let noProxy = value("no_proxy", "NO_PROXY") {
            for entry in noProxy.split(separator: ",") {
                var pattern = entry.trimmingWhitespace().lowercased()
                if pattern == "*" { return nil }
                // "host:port" (but not a bare IPv6 address): the port does not matter here.
                if pattern.filter({ $0 == ":" }).count == 1, let colon = pattern.firstIndex(of: ":") {
                    pattern = String(pattern[..<colon])
                }
                if pattern.hasPrefix("*.") { pattern.removeFirst() }
                if pattern.hasPrefix(".") { pattern.removeFirst() }
                guard !pattern.isEmpty else { continue }
                if host == pattern || host.hasSuffix("." + pattern) { return nil }
            }
        }
        let https = server.scheme?.lowercased() == "https"
        let raw =
            https
            ? value("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
            : value("http_proxy", "all_proxy", "ALL_PROXY")
        guard let raw else { return nil }
        let withScheme = raw.contains("://") ? raw : "http://" + raw
        guard let url = URL(string: withScheme), let proxyHost = url.host, !proxyHost.isEmpty else {
            throw .configuration("the proxy setting \(raw) is not a URL")
        }
        guard url.scheme?.lowercased() == "http" else {
            throw .configuration("only http:// proxies are supported (got \(raw))")
        }
        var authorization: String?
        if let user = url.user(percentEncoded: true) {
            // Decoded, so `p%40ss` is sent as `p@ss`; an escape that does not decode is sent as written.
            let password = url.password(percentEncoded: false) ?? url.password(percentEncoded: true) ?? ""
            let credentials = "\(url.user(percentEncoded: false) ?? user):\(password)"
            authorization = Base64.encode(Array(credentials.utf8))
        }
        return ProxySettings(host: proxyHost, port: url.port ?? 80, authorization: authorization)
    }
}

/// The PEM files of a TLS client certificate and its key (`--client-cert`, `--client-key`).
public struct ClientCertificateFiles: Sendable, Hashable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}
