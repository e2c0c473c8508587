import Crypto
import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The clients mcp-bridge signs in as besides one it registers: a client the operator registered beforehand
/// (`--client-id` and its secret), and a Client ID Metadata Document (`--client-metadata-url`). Neither registers.
@Suite("mcp-bridge signs in as a given client (live)", .needsPython, .childProcesses, .timeLimit(.minutes(3)))
struct ClientChoiceSignInLiveTests {
    @Test("a pre-registered client with a secret and a fixed redirect port: no registration")
    func preRegisteredClientWithSecret() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let (server, arguments) = try await Self.signInAsPreRegistered(rig, registration: []) { client, directory in
            let secret = try #require(client["client_secret"]?.stringValue)
            let file = directory.appendingPathComponent("client-secret")
            try Data((secret + "\n").utf8).write(to: file)
            return (["--client-secret-file", file.path], secret)
        }

        // The client is pinned to the issuer it was first used with: when the server names another one (here the
        // record says the client was used elsewhere), its secret is sent nowhere and the error says why.
        let elsewhere = "http://127.0.0.1:9/elsewhere"
        let resource = try #require(try rig.storedCredentials()["resource"]?.stringValue)
        // No tokens left, so the next bridge must sign in (a stored token is used as it is, wherever it came from).
        try rig.editStoredCredentials { credentials in
            credentials["issuer"] = .string(elsewhere)
            for key in ["access_token", "refresh_token", "token_expires_at"] { credentials[key] = nil }
        }
        // Under the name the store gives that issuer's credentials (a digest of issuer and resource).
        let file = try #require(rig.harness.credentialFiles().first)
        let name = SHA256.hash(data: Data("\(elsewhere)\n\(resource)".utf8)).prefix(16)
            .map { String(format: "%02x", $0) }.joined()
        try #require(
            rename(file.path, file.deletingLastPathComponent().appendingPathComponent("\(name).json").path) == 0
        )
        let tokensBefore = server.tokensIssued("authorization_code")
        let moved = try rig.bridge(server.mcpURL, arguments)
        moved.send(Lines.initialize())
        moved.send(Lines.initialized)
        moved.send(Lines.call("w", "whoami", "{}"))
        // Refused at the handshake where the server asks for a token there, else at the call.
        let handshake = try await moved.answer("init")
        let refused = handshake["error"] != nil ? handshake : try await moved.answer("w")
        let message = refused["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("was used with http://127.0.0.1:9/elsewhere"), "\(refused)")
        #expect(message.contains("mcp-bridge logout"), "\(refused)")
        #expect(server.tokensIssued("authorization_code") == tokensBefore)
        #expect(rig.browser.openings == 1)
        moved.closeInput()
        _ = await moved.waitForExit()
    }

    @Test("a pre-registered client that signs its token requests (private_key_jwt, RFC 7523)")
    func preRegisteredClientWithPrivateKey() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let key = P256.Signing.PrivateKey()
        let point = Array(key.publicKey.x963Representation.dropFirst())
        let jwks: JSONValue = [
            "keys": [
                [
                    "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "bridge-key-1",
                    "x": .string(Base64.encode(point[..<32], .url)), "y": .string(Base64.encode(point[32...], .url)),
                ]
            ]
        ]
        let directory = rig.harness.directory
        let jwksFile = directory.appendingPathComponent("jwks.json")
        try Data(jwks.serialized()).write(to: jwksFile)
        let keyFile = directory.appendingPathComponent("client-key.pem")
        try Data(key.pemRepresentation.utf8).write(to: keyFile)
        _ = try await Self.signInAsPreRegistered(
            rig,
            registration: ["--auth-method", "private_key_jwt", "--jwks-file", jwksFile.path]
        ) { client, _ in
            #expect(client["client_secret"] == nil, "\(client)")
            return (["--private-key-file", keyFile.path, "--key-id", "bridge-key-1"], nil)
        }
    }

    /// `mcp-server clients add` a sign-in client for a redirect URI on a port of the test's choice, then a bridge
    /// with `--client-id`, what `credentials` gives (from the registration), and `--callback-port`: alice signs
    /// in as that client, and nothing registers. A `secret` returned must never reach the bridge's log.
    static func signInAsPreRegistered(
        _ rig: SignInRig,
        registration: [String],
        credentials: (JSONValue, URL) throws -> (arguments: [String], secret: String?)
    ) async throws -> (server: ChildProcess, arguments: [String]) {
        // A port for the redirect URI, the operator's choice, passed to the bridge with --callback-port. Held until
        // the bridge starts, so no server of a parallel test is given it meanwhile.
        var reserved: ListeningLoopbackPort? = try ListeningLoopbackPort()
        let port = try #require(reserved?.port)
        let redirectURI = "http://127.0.0.1:\(port)/callback"
        let added = try await ChildProcess.run(
            try BuiltProduct.url(named: "mcp-server"),
            [
                "clients", "add", "--name", "Operator's bridge", "--redirect-uri", redirectURI,
                "--application-type", "native", "--database", rig.harness.database,
            ] + registration
        )
        try #require(added.status == 0, "\(added.errors.joined(separator: "\n"))")
        let client = try JSONValue(parsing: try #require(added.output.last))
        let clientID = try #require(client["client_id"]?.stringValue)
        let (arguments, secret) = try credentials(client, rig.harness.directory)

        let server = try await rig.server()
        reserved = nil
        let bridgeArguments = ["--client-id", clientID, "--callback-port", String(port)] + arguments
        let bridge = try rig.bridge(server.mcpURL, bridgeArguments)
        _ = try await bridge.initialize()
        let answer = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        let identity = try #require(answer["result"]?["structuredContent"], "\(answer)")
        #expect(identity["person"]?["username"] == "alice")
        #expect(identity["clientId"]?.stringValue == clientID)
        #expect(rig.browser.authorizationURLs.first?.parameter("redirect_uri") == redirectURI)
        #expect(server.auditCount("client.registered") == 0)
        #expect(server.tokensIssued("authorization_code") == 1)
        #expect(try rig.storedCredentials()["client_id"]?.stringValue == clientID)
        bridge.closeInput()
        _ = await bridge.waitForExit()
        if let secret {
            for line in bridge.stderr.lines { #expect(!line.contains(secret), "the client secret was logged: \(line)") }
        }
        return (server, bridgeArguments)
    }

    @Test("a Client ID Metadata Document: the server fetches it, nobody registers")
    func clientIDMetadataDocument() async throws {
        let rig = try await SignInRig()
        defer { rig.cleanUp() }
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let document: JSONValue = [
            "client_name": "mcp-bridge (metadata document test)",
            "client_uri": "https://127.0.0.1/",
            // Any loopback port (RFC 8252 §7.3): the bridge's callback port is its own choice.
            "redirect_uris": ["http://127.0.0.1/callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "application_type": "native",
        ]
        let site = try await ChildProcess.interopHelper(
            "cimd_document_server.py",
            [certificates.path("server.pem"), certificates.path("server.key"), document.serializedString()]
        )
        let documentURL = "https://127.0.0.1:\(site.port)/client-metadata.json"
        let server = try await rig.server(["--cimd-allow-private", "--cimd-ca-file", certificates.path("ca.pem")])
        let bridge = try rig.bridge(server.mcpURL, ["--client-metadata-url", documentURL])
        _ = try await bridge.initialize()
        let answer = try await bridge.call(Lines.call("w", "whoami", "{}"), id: "w")
        let identity = try #require(answer["result"]?["structuredContent"], "\(answer)")
        #expect(identity["person"]?["username"] == "alice")
        #expect(identity["clientId"]?.stringValue == documentURL)
        #expect(rig.browser.authorizationURLs.first?.parameter("client_id") == documentURL)
        try await site.stderr.line { $0 == "GET /client-metadata.json 200" }
        try await server.awaitTokenIssued("authorization_code")
        #expect(server.auditCount("client.registered") == 0)
        #expect(try rig.storedCredentials()["client_id"]?.stringValue == documentURL)
    }
}
