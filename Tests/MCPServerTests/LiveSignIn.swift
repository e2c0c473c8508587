import Crypto
import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// A running `mcp-server serve` as an MCP host sees it when it signs a person in: found from the MCP URL alone
/// (protected-resource metadata, then authorization-server metadata), a client registered by DCR, the
/// `/authorize` URL the host opens in the browser, the token endpoint, and `whoami` with the token it got.
///
/// Everything goes over HTTP to the child process, as a host's requests would.
struct LiveSignIn {
    let mcpURL: URL
    /// The authorization server's metadata (RFC 8414).
    let metadata: JSONValue

    var issuer: String { self.metadata["issuer"]?.stringValue ?? "" }

    /// Discovers the authorization server of `server`'s MCP endpoint.
    static func discover(_ server: ChildProcess) async throws -> LiveSignIn {
        let mcpURL = server.mcpURL
        let origin = "http://127.0.0.1:\(server.port)"
        let resource = try await Self.json(.get, URL(string: origin + "/.well-known/oauth-protected-resource/mcp")!)
        let issuer = try #require(resource["authorization_servers"]?.arrayValue?.first?.stringValue, "\(resource)")
        let metadata = try await Self.json(.get, URL(string: issuer + "/.well-known/oauth-authorization-server")!)
        #expect(metadata["issuer"]?.stringValue == issuer)
        return LiveSignIn(mcpURL: mcpURL, metadata: metadata)
    }

    private func endpoint(_ name: String) throws -> URL {
        let text = try #require(self.metadata[name]?.stringValue, "no \(name) in \(self.metadata)")
        return try #require(URL(string: text))
    }

    /// Registers a public client for the authorization code grant, as a native MCP host does; returns its id.
    func register(name: String, redirectURIs: [String]) async throws -> String {
        let body: JSONValue = [
            "client_name": .string(name),
            "redirect_uris": .array(redirectURIs.map(JSONValue.string)),
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "application_type": "native",
        ]
        let response = try await TestHTTP.post(try self.endpoint("registration_endpoint"), body.serializedString())
        #expect(response.status == 201, "\(response.body)")
        return try #require(try JSONValue(parsing: response.body)["client_id"]?.stringValue, "\(response.body)")
    }

    /// The `/authorize` URL a host opens in the browser, with `extra` parameters appended.
    func authorizeURL(
        clientID: String,
        redirectURI: String,
        state: String,
        pkce: PKCEPair,
        scope: String = "mcp:read mcp:tools",
        extra: [(String, String)] = []
    ) throws -> String {
        let parameters =
            [
                ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
                ("state", state), ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
                ("scope", scope), ("resource", self.mcpURL.absoluteString),
            ] + extra
        return try self.endpoint("authorization_endpoint").absoluteString + "?" + Self.form(parameters)
    }

    /// What `/token` issued.
    struct Tokens {
        let accessToken: String
        let refreshToken: String
        let scope: String?
    }

    /// Redeems an authorization code.
    func exchange(code: String, clientID: String, redirectURI: String, pkce: PKCEPair) async throws -> Tokens {
        try await self.token([
            ("grant_type", "authorization_code"), ("code", code), ("client_id", clientID),
            ("redirect_uri", redirectURI), ("code_verifier", pkce.verifier), ("resource", self.mcpURL.absoluteString),
        ])
    }

    /// Uses a refresh token.
    func refresh(_ refreshToken: String, clientID: String) async throws -> Tokens {
        try await self.token([
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientID),
            ("resource", self.mcpURL.absoluteString),
        ])
    }

    private func token(_ parameters: [(String, String)]) async throws -> Tokens {
        let response = try await TestHTTP.request(
            try self.endpoint("token_endpoint"),
            method: .post,
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Self.form(parameters)
        )
        #expect(response.status == 200, "\(response.body)")
        let json = try JSONValue(parsing: response.body)
        return Tokens(
            accessToken: try #require(json["access_token"]?.stringValue, "\(response.body)"),
            refreshToken: try #require(json["refresh_token"]?.stringValue, "\(response.body)"),
            scope: json["scope"]?.stringValue
        )
    }

    /// Calls `whoami` (2026-07-28, stateless) with `accessToken`; returns its structured content.
    func whoami(_ accessToken: String) async throws -> JSONValue {
        let meta =
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
        let response = try await TestHTTP.post(
            self.mcpURL,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{},\#(meta)}}"#,
            headers: [
                "Authorization": "Bearer \(accessToken)", "MCP-Protocol-Version": "2026-07-28",
                "Mcp-Method": "tools/call", "Mcp-Name": "whoami",
            ]
        )
        #expect(response.status == 200, "\(response.body)")
        let reply = try JSONValue(parsing: response.body)
        return try #require(reply["result"]?["structuredContent"], "\(response.body)")
    }

    /// `application/x-www-form-urlencoded`, which is also how a query string is written.
    static func form(_ parameters: [(String, String)]) -> String {
        var unreserved = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)..<"\u{80}")
        )
        unreserved.insert(charactersIn: "-._~")
        return parameters.map { name, value in
            let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }
            return encode(name) + "=" + encode(value)
        }.joined(separator: "&")
    }

    private static func json(_ method: TestHTTP.Method, _ url: URL) async throws -> JSONValue {
        let response = try await TestHTTP.request(url, method: method)
        #expect(response.status == 200, "\(url): \(response.body)")
        return try JSONValue(parsing: response.body)
    }

    /// `mcp-server users add` on `database`, with a cheap bcrypt cost (a test's password needs no strength).
    static func addPerson(
        database: String,
        username: String,
        password: String,
        displayName: String,
        email: String,
        in directory: URL
    ) async throws {
        let passwordFile = directory.appendingPathComponent("\(username).password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        let run = try await ChildProcess.run(
            try BuiltProduct.url(named: "mcp-server"),
            [
                "users", "add", username, "--display-name", displayName, "--email", email,
                "--password-file", passwordFile.path, "--hash-cost", "4", "--database", database,
            ]
        )
        #expect(run.status == 0, "\(run.errors.joined(separator: "\n"))")
    }
}

/// A PKCE pair (RFC 7636, S256) made by the test: a random verifier and its SHA-256 challenge.
struct PKCEPair {
    let verifier: String
    let challenge: String

    init() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.verifier = Base64.encode(bytes, .url)
        self.challenge = Base64.encode(Array(SHA256.hash(data: Array(self.verifier.utf8))), .url)
    }
}
