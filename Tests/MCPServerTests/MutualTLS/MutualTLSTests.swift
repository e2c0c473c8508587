import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MCPServerCore
import MCPWire
import NIOCore
import NIOHTTP1
import NIOSSL
import RemoteMCPTestSupport
import ServiceLifecycle
import Testing

@testable import MCPServer

/// RFC 8705 end to end over real TLS: `serve --tls-cert --tls-key --client-ca` assembled in process from its
/// flags, clients with certificates the test makes with openssl.
@Suite("Mutual TLS (RFC 8705)", .childProcesses, .timeLimit(.minutes(2)))
struct MutualTLSTests {
    /// A running HTTPS server and a client per identity.
    struct Fixture {
        let base: String
        let certificates: TestCertificates
        let clients: [String: HTTPClient]

        func send(
            _ identity: String,
            _ method: HTTPMethod,
            _ path: String,
            headers: [(String, String)] = [],
            body: String? = nil
        ) async throws -> (status: Int, headers: HTTPHeaders, json: JSONValue) {
            var request = HTTPClientRequest(url: self.base + path)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await self.clients[identity]!.execute(request, timeout: .seconds(20))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (
                Int(response.status.code),
                response.headers,
                (try? JSONValue(parsing: Array(bytes.readableBytesView))) ?? .null
            )
        }

        func register(_ metadata: String) async throws -> JSONValue {
            let answer = try await self.send(
                "none",
                .POST,
                "/dcr",
                headers: [("Content-Type", "application/json")],
                body: metadata
            )
            #expect(answer.status == 201, "\(answer.json)")
            return answer.json
        }

        func token(
            _ identity: String,
            clientID: String,
            secret: String? = nil
        ) async throws -> (status: Int, json: JSONValue) {
            var form = "grant_type=client_credentials&client_id=\(clientID)"
            if let secret { form += "&client_secret=\(secret)" }
            let answer = try await self.send(
                identity,
                .POST,
                "/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: form
            )
            return (answer.status, answer.json)
        }

        func listTools(_ identity: String, token: String) async throws -> (status: Int, challenge: String?) {
            let answer = try await self.send(
                identity,
                .POST,
                "/mcp",
                headers: [
                    ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
                    ("MCP-Protocol-Version", "2025-11-25"), ("Authorization", "Bearer \(token)"),
                ],
                body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
            )
            return (answer.status, answer.headers.first(name: "WWW-Authenticate"))
        }
    }

    static func withServer(_ body: (Fixture) async throws -> Void) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let command = try ServeCommand.parse([
            "--port", "0", "--database", ":memory:", "--tls-cert", certificates.path("server.pem"), "--tls-key",
            certificates.path("server.key"), "--client-ca", certificates.path("ca.pem"),
        ])
        let settings = try command.resolve(environment: [:])
        let logger = Logger(label: "mtls-test")
        let assembly = try await ServerAssembly.assemble(
            settings: settings,
            auth: command.auth,
            host: .socket(settings.server),
            logger: logger
        )
        let (ready, readyInput) = AsyncStream<URL>.makeStream()
        let app = MCPServerApplication.make(
            dependencies: assembly.dependencies,
            configuration: settings.server,
            server: try .tls(.http1(), configuration: try #require(settings.tls.channelConfiguration)),
            logger: logger,
            onReady: { readyInput.yield($0) }
        )
        var clients: [String: HTTPClient] = [:]
        let ca = try NIOSSLCertificate.fromPEMFile(certificates.path("ca.pem"))
        for identity in ["none", "client", "self", "stranger", "server"] {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(ca)
            if identity != "none" {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificates.path("\(identity).pem"))
                    .map { .certificate($0) }
                tls.privateKey = .privateKey(
                    try NIOSSLPrivateKey(file: certificates.path("\(identity).key"), format: .pem)
                )
            }
            clients[identity] = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: HTTPClient.Configuration(tlsConfiguration: tls)
            )
        }
        // Stopped by graceful shutdown, as SIGTERM would: the store closes after the last request.
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ready.makeAsyncIterator()
            let url = try #require(await iterator.next())
            #expect(url.scheme == "https")
            let fixture = Fixture(
                base: url.absoluteString.replacingOccurrences(of: "/mcp", with: ""),
                certificates: certificates,
                clients: clients
            )
            var failure: (any Error)?
            do {
                try await body(fixture)
            } catch {
                failure = error
            }
            for client in clients.values { try? await client.shutdown() }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            if let failure { throw failure }
        }
    }

    static func claims(of token: String) throws -> JSONValue {
        try JSONValue(parsing: try #require(Base64.decode(token.split(separator: ".")[1], .url)))
    }

    @Test("tls_client_auth: the CA's certificate with the registered subject gets a token bound to it")
    func tlsClientAuth() async throws {
        try await Self.withServer { server in
            let metadata = try await server.send("none", .GET, "/.well-known/oauth-authorization-server").json
            let methods = metadata["token_endpoint_auth_methods_supported"]?.arrayValue ?? []
            #expect(methods.contains("tls_client_auth") && methods.contains("self_signed_tls_client_auth"))
            #expect(metadata["tls_client_certificate_bound_access_tokens"] == true)

            let registered = try await server.register(
                #"{"client_name":"mtls","token_endpoint_auth_method":"tls_client_auth","tls_client_auth_subject_dn":"\#(TestCertificates.clientSubject)"}"#
            )
            #expect(registered["client_secret"] == nil)
            let id = try #require(registered["client_id"]?.stringValue)

            let issued = try await server.token("client", clientID: id)
            #expect(issued.status == 200, "\(issued.json)")
            let token = try #require(issued.json["access_token"]?.stringValue)
            let thumbprint = ClientCertificate.thumbprint(der: try server.certificates.der("client"))
            #expect(try Self.claims(of: token)["cnf"]?["x5t#S256"] == .string(thumbprint))

            #expect(try await server.listTools("client", token: token).status == 200)
            // The same token over a connection without the certificate, or with another one: refused.
            for identity in ["none", "self", "stranger"] {
                let refused = try await server.listTools(identity, token: token)
                #expect(refused.status == 401, "\(identity)")
                #expect(refused.challenge?.contains("invalid_token") == true)
            }
            // The CA's server certificate (extended key usage serverAuth only) is not a client's, even with the DN.
            let serverNamed = try await server.register(
                #"{"token_endpoint_auth_method":"tls_client_auth","tls_client_auth_subject_dn":"CN=127.0.0.1"}"#
            )
            let serverNamedID = try #require(serverNamed["client_id"]?.stringValue)
            #expect(try await server.token("server", clientID: serverNamedID).status == 401)
            // Same subject, other CA; a self-signed one; none: not this client.
            for identity in ["stranger", "self", "none"] {
                let answer = try await server.token(identity, clientID: id)
                #expect(answer.status == 401, "\(identity): \(answer.json)")
                #expect(answer.json["error"] == "invalid_client")
            }
        }
    }

    @Test("self_signed_tls_client_auth: only the registered certificate; a secret client can ask for bound tokens")
    func selfSignedAndBoundSecretClients() async throws {
        try await Self.withServer { server in
            let selfSigned = Base64.encode(try server.certificates.der("self"))
            let registered = try await server.register(
                #"{"token_endpoint_auth_method":"self_signed_tls_client_auth","jwks":{"keys":[{"kty":"EC","x5c":["\#(selfSigned)"]}]}}"#
            )
            let id = try #require(registered["client_id"]?.stringValue)
            let issued = try await server.token("self", clientID: id)
            #expect(issued.status == 200, "\(issued.json)")
            #expect(try await server.token("client", clientID: id).status == 401)

            // A CA-issued certificate is not self-signed: refused at registration.
            let notSelfSigned = Base64.encode(try server.certificates.der("client"))
            let refused = try await server.send(
                "none",
                .POST,
                "/dcr",
                headers: [("Content-Type", "application/json")],
                body:
                    #"{"token_endpoint_auth_method":"self_signed_tls_client_auth","jwks":{"keys":[{"x5c":["\#(notSelfSigned)"]}]}}"#
            )
            #expect(refused.status == 400)

            let secretClient = try await server.register(
                #"{"token_endpoint_auth_method":"client_secret_post","tls_client_certificate_bound_access_tokens":true}"#
            )
            let secretID = try #require(secretClient["client_id"]?.stringValue)
            let secret = try #require(secretClient["client_secret"]?.stringValue)
            #expect(try await server.token("none", clientID: secretID, secret: secret).status == 400)
            // Only the id of a secret client, with a certificate: the same refusal as an unknown client.
            let idOnly = try await server.token("self", clientID: secretID)
            #expect(idOnly.status == 401)
            #expect(
                idOnly.json["error_description"]
                    == "unknown client, or it must authenticate (client secret, client assertion or TLS client certificate)"
            )
            let bound = try await server.token("self", clientID: secretID, secret: secret)
            let token = try #require(bound.json["access_token"]?.stringValue)
            #expect(try await server.listTools("self", token: token).status == 200)
            #expect(try await server.listTools("client", token: token).status == 401)
        }
    }
}
