public import Hummingbird
import MCPWire
import NIOCore

/// Discovery documents: RFC 9728 protected-resource metadata, RFC 8414 authorization-server metadata and
/// `/jwks.json`.
public struct DiscoveryController: Sendable {
    let server: AuthorizationServer

    public init(server: AuthorizationServer) {
        self.server = server
    }

    /// Routes, relative to the server's root: the RFC well-known forms (path inserted after the host) and,
    /// when the public URL has a path prefix, the same documents under that prefix, which is what a
    /// stage-prefixed API Gateway can route.
    public func addRoutes<Context: MCPRequestContext>(to router: Router<Context>, pathPrefix prefix: String) {
        var resourcePaths = [
            "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource\(prefix)/mcp",
        ]
        // RFC 8414 and OIDC Discovery in the three forms clients try; behind a stage-prefixed gateway only the
        // last (path appended) reaches us, which is why it is served too.
        var issuerPaths = [
            "/.well-known/oauth-authorization-server\(prefix)", "/.well-known/openid-configuration\(prefix)",
            "\(prefix)/.well-known/openid-configuration",
        ]
        if !prefix.isEmpty {
            resourcePaths += [
                "\(prefix)/.well-known/oauth-protected-resource", "\(prefix)/.well-known/oauth-protected-resource/mcp",
            ]
            issuerPaths += ["\(prefix)/.well-known/oauth-authorization-server"]
        }
        for path in Set(resourcePaths) {
            router.get(RouterPath(path)) { _, context in
                try Self.document(self.server.protectedResourceMetadata(urls: context.urls))
            }
        }
        for path in Set(issuerPaths) {
            router.get(RouterPath(path)) { _, context in
                try Self.document(self.server.authorizationServerMetadata(urls: context.urls))
            }
        }
        for base in Set(["", prefix]) {
            router.get(RouterPath("\(base)/jwks.json")) { _, _ in
                Self.json(await self.server.keyRing.jwks, cacheControl: "public, max-age=300")
            }
        }
    }

    private static func document(_ value: some Encodable) throws -> Response {
        Self.json(try JSONValue(encoding: value), cacheControl: "public, max-age=300")
    }

    private static func json(_ value: JSONValue, cacheControl: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = cacheControl
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized()))
        )
    }
}
