#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The URLs the server publishes, all derived from its public base URL: an immutable value that each request
/// carries in its context (``MCPRequestContext/urls``), so nothing that answers a request reads them from
/// process-wide state.
///
/// With a base URL that has a path (an API Gateway stage, `https://x.example/prod`), every URL keeps that
/// prefix: the MCP endpoint is `https://x.example/prod/mcp`, the issuer `https://x.example/prod`.
public struct ServerURLs: Sendable, Hashable {
    /// The public base URL, without a trailing slash.
    public let base: String
    /// The path part of the base URL (`""` or `/prod`).
    public let pathPrefix: String

    public init(base: URL) {
        self.init(base: base.absoluteString)
    }

    /// - Parameter base: an absolute http(s) URL; trailing slashes are dropped.
    public init(base: String) {
        var text = base
        while text.hasSuffix("/") { text.removeLast() }
        self.base = text
        var path = URLComponents(string: text)?.path ?? ""
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path
    }

    /// What a request context holds before the router's first middleware sets the request's real URLs.
    static let unresolved = ServerURLs(base: "http://unresolved.invalid")

    /// The MCP endpoint: the protected resource's identifier and the tokens' audience.
    public var resource: String { self.base + "/mcp" }
    /// The authorization server's issuer identifier.
    public var issuer: String { self.base }
    public var token: String { self.base + "/token" }
    public var registration: String { self.base + "/dcr" }
    public var authorization: String { self.base + "/authorize" }
    /// Where the sign-in form posts.
    public var signIn: String { self.base + "/authorize/sign-in" }
    /// Where the consent form posts.
    public var consent: String { self.base + "/authorize/consent" }
    /// Where the upstream OpenID provider sends the browser back to.
    public var upstreamCallback: String { self.base + "/oidc/callback" }
    /// RFC 7009 token revocation.
    public var revocation: String { self.base + "/revoke" }
    public var jwks: String { self.base + "/jwks.json" }
    /// Where `WWW-Authenticate` points: under the prefix, so a stage-prefixed gateway can route it.
    public var protectedResourceMetadata: String { self.base + "/.well-known/oauth-protected-resource" }

    /// RFC 7592 `registration_client_uri` for a client.
    public func client(_ id: String) -> String { self.base + "/clients/" + id }

    /// The web origin of the base URL (`scheme://host[:port]`), which browsers send as `Origin`.
    public var origin: String {
        guard let components = URLComponents(string: self.base), let scheme = components.scheme,
            let host = components.percentEncodedHost
        else { return self.base }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
