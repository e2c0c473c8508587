import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import MCPWire
import NIOCore

@testable import MCPServerCore

/// A router with the authorization server on, over an in-memory store.
struct AuthHarness {
    let store: InMemoryServerStore
    let server: AuthorizationServer
    let logs: InMemoryLogHandler
    let app: Application<RouterResponder<LocalRequestContext>>

    static let base = "http://mcp.test"

    static func make(
        configuration: AuthConfiguration = AuthConfiguration(),
        base: String = AuthHarness.base,
        baseURL: BaseURLSource? = nil,
        source: KeyRing.Source = .store,
        store: InMemoryServerStore = InMemoryServerStore(),
        allowedOrigins: [String] = ["http://localhost:6274"],
        trustedProxies: [IPNetwork] = [],
        allowedNetworks: [IPNetwork] = [],
        passwords: PasswordHasher = .standard,
        documents: (any ClientMetadataDocumentSource)? = nil,
        upstream: (any UpstreamIdentityProvider)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> AuthHarness {
        let logs = InMemoryLogHandler.everything()
        let logger = logs.logger
        let keyRing = try await KeyRing.load(
            source: source,
            store: store,
            tokenLifetime: configuration.tokenLifetime,
            logger: logger
        )
        let server = AuthorizationServer(
            configuration: configuration,
            store: store,
            keyRing: keyRing,
            documents: documents,
            upstream: upstream,
            passwords: passwords,
            now: now
        )
        let dependencies = ServerDependencies(
            dispatcher: MCPDispatcher(catalog: .builtIn),
            store: store,
            originPolicy: OriginPolicy(allowedOrigins: allowedOrigins),
            maxBodyBytes: ServerConfiguration.defaultMaxBodyBytes,
            baseURL: baseURL ?? .fixed(URL(string: base)!),
            trustedProxies: TrustedProxies(trustedProxies),
            allowedNetworks: allowedNetworks,
            authorizationServer: server
        )
        let app = Application(
            router: buildRouter(context: LocalRequestContext.self, dependencies: dependencies),
            logger: logger
        )
        return AuthHarness(store: store, server: server, logs: logs, app: app)
    }
}

extension InMemoryLogHandler {
    /// A handler that keeps every level, for a logger made with ``logger``.
    static func everything() -> InMemoryLogHandler {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        return handler
    }

    /// A logger whose entries this handler keeps.
    var logger: Logger {
        Logger(label: "test") { _ in self }
    }

    /// Every logged string, for "never logs X" checks.
    var text: String {
        self.entries.map { entry in
            "\(entry.message) " + entry.metadata.map { "\($0)=\($1)" }.joined(separator: " ")
        }
        .joined(separator: "\n")
    }

    /// The audit lines of `event`.
    func audits(_ event: String) -> [Entry] {
        self.entries.filter { $0.value("audit") == "true" && $0.value("event") == event }
    }
}

extension InMemoryLogHandler.Entry {
    /// The metadata value for `key` as a log line prints it, whichever case of `MetadataValue` holds it.
    func value(_ key: String) -> String? {
        self.metadata[key].map { "\($0)" }
    }
}

/// A decoded HTTP answer.
struct HTTPAnswer {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    var json: JSONValue { (try? JSONValue(parsing: self.body)) ?? .null }
    var oauthError: String? { self.json["error"]?.stringValue }
    func header(_ name: String) -> String? { self.headers[HTTPField.Name(name)!] }
}

extension TestClientProtocol {
    func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        headers: [String: String] = [:],
        body: String? = nil
    ) async throws -> HTTPAnswer {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return try await self.execute(
            uri: uri,
            method: method,
            headers: fields,
            body: body.map { ByteBuffer(string: $0) }
        ) {
            HTTPAnswer(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }

    /// `POST /dcr` with JSON.
    func register(
        _ json: String = #"{"client_name":"test client"}"#,
        headers: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        try await self.request(
            .post,
            "/dcr",
            headers: ["Content-Type": "application/json"].merging(headers) { _, new in new },
            body: json
        )
    }

    /// Registers a client and returns its id and secret and registration access token.
    func registeredClient(
        _ json: String = #"{"client_name":"test client"}"#
    ) async throws -> (id: String, secret: String, rat: String) {
        let answer = try await self.register(json)
        guard answer.status == .created, let id = answer.json["client_id"]?.stringValue,
            let secret = answer.json["client_secret"]?.stringValue,
            let rat = answer.json["registration_access_token"]?.stringValue
        else { throw HarnessError.unexpected("registration failed: \(answer.status) \(answer.body)") }
        return (id, secret, rat)
    }

    /// `POST /token` with client_secret_basic.
    func token(id: String, secret: String, form: String = "grant_type=client_credentials") async throws -> HTTPAnswer {
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        return try await self.request(
            .post,
            "/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"],
            body: form
        )
    }

    /// An access token for a new client with `scope`.
    func accessToken(scope: String? = nil) async throws -> (token: String, clientID: String, rat: String) {
        let client = try await self.registeredClient()
        let answer = try await self.token(
            id: client.id,
            secret: client.secret,
            form: "grant_type=client_credentials" + (scope.map { "&scope=\($0)" } ?? "")
        )
        guard let token = answer.json["access_token"]?.stringValue else {
            throw HarnessError.unexpected("no token: \(answer.body)")
        }
        return (token, client.id, client.rat)
    }

    /// A legacy `tools/call echo` (or any method) with a bearer token.
    func callMCP(
        _ method: String = "tools/call",
        token: String?,
        params: JSONValue = ["name": "echo", "arguments": ["text": "hi"]]
    )
        async throws -> HTTPAnswer
    {
        var headers = [
            "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-11-25",
        ]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
        return try await self.request(.post, "/mcp", headers: headers, body: body.serializedString())
    }
}

enum HarnessError: Error {
    case unexpected(String)
}
