import Foundation
import MCPWire
import Testing

@testable import MCPServerCore

/// draft-ietf-oauth-client-id-metadata-document: the client ID URL and the document it serves.
@Suite("Client ID Metadata Documents: validation")
struct ClientMetadataDocumentValidatorTests {
    static let claudeCodeID = "https://claude.ai/oauth/claude-code-client-metadata"
    /// Claude Code's published document, as its client_id URL serves it.
    static let claudeCode = """
        {
          "client_id": "https://claude.ai/oauth/claude-code-client-metadata",
          "client_name": "Claude Code",
          "client_uri": "https://claude.ai",
          "redirect_uris": ["http://localhost/callback", "http://127.0.0.1/callback"],
          "grant_types": ["authorization_code", "refresh_token"],
          "response_types": ["code"],
          "token_endpoint_auth_method": "none"
        }
        """

    static func validate(_ json: String, id: String = "https://app.example/client.json") throws -> ClientMetadata {
        try ClientMetadataDocumentValidator.validate(document: Array(json.utf8), clientID: id)
    }

    @Test("Claude Code's document is accepted, and its port-less loopback URIs match any port")
    func claudeCode() throws {
        try ClientMetadataDocumentValidator.checkClientID(Self.claudeCodeID)
        let metadata = try Self.validate(Self.claudeCode, id: Self.claudeCodeID)
        #expect(metadata.clientName == "Claude Code")
        #expect(metadata.tokenEndpointAuthMethod == "none")
        #expect(metadata.grantTypes == ["authorization_code", "refresh_token"])
        let client = KnownClient(id: Self.claudeCodeID, metadata: metadata, source: .metadataDocument(fetchedAt: .now))
        #expect(client.isPublic)
        #expect(client.authorizationClient.mayUseAuthorizationCode)
        let registered = client.authorizationClient.redirectURIs
        #expect(RedirectURIPolicy.matches("http://localhost:53682/callback", registered: registered))
        #expect(RedirectURIPolicy.matches("http://127.0.0.1:8080/callback", registered: registered))
        #expect(!RedirectURIPolicy.matches("http://127.0.0.1:8080/other", registered: registered))
    }

    @Test("the minimal form of Claude Code's document (four members) is accepted too")
    func claudeCodeMinimal() throws {
        let metadata = try Self.validate(
            #"{"client_id":"\#(Self.claudeCodeID)","redirect_uris":["http://localhost/callback","http://127.0.0.1/callback"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}"#,
            id: Self.claudeCodeID
        )
        #expect(metadata.responseTypes == ["code"] && metadata.clientName == nil)
    }

    @Test("defaults: public client, authorization_code, code; a native private-use redirect is fine")
    func defaults() throws {
        let metadata = try Self.validate(
            #"{"client_id":"https://app.example/client.json","redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"]}"#
        )
        #expect(metadata.tokenEndpointAuthMethod == "none")
        #expect(metadata.grantTypes == ["authorization_code"])
        #expect(metadata.responseTypes == ["code"])
        #expect(metadata.scope == nil)
    }

    @Test(
        "documents that break the draft's rules are refused",
        arguments: [
            // client_id differs from the URL (trailing slash, case, another client).
            (
                #"{"client_id":"https://app.example/client.json/","redirect_uris":["https://app.example/cb"]}"#,
                "client_id"
            ),
            (
                #"{"client_id":"https://APP.example/client.json","redirect_uris":["https://app.example/cb"]}"#,
                "client_id"
            ),
            (#"{"redirect_uris":["https://app.example/cb"]}"#, "no client_id"),
            // Symmetric secrets are forbidden.
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"client_secret":"s"}"#,
                "secret"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"client_secret_expires_at":0}"#,
                "secret"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"client_secret_basic"}"#,
                "token_endpoint_auth_method"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"client_secret_jwt"}"#,
                "token_endpoint_auth_method"
            ),
            // private_key_jwt without keys, or with both forms.
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#,
                "jwks"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://app.example/jwks"}"#,
                "jwks_uri"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[]}}"#,
                "jwks"
            ),
            // Redirect URIs: required, and each must pass the redirect policy.
            (#"{"client_id":"https://app.example/client.json"}"#, "redirect_uris"),
            (#"{"client_id":"https://app.example/client.json","redirect_uris":[]}"#, "redirect_uris"),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["http://app.example/cb"]}"#,
                "http redirect"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb#x"]}"#,
                "fragment"
            ),
            (#"{"client_id":"https://app.example/client.json","redirect_uris":["javascript:alert(1)"]}"#, "scheme"),
            // Grants and response types of this server only.
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"grant_types":["client_credentials"]}"#,
                "grant"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"grant_types":["refresh_token"]}"#,
                "grant"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"response_types":["token"]}"#,
                "response"
            ),
            // Shapes and sizes.
            (#"["https://app.example/client.json"]"#, "not an object"),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"client_name":"\#(String(repeating: "x", count: 201))"}"#,
                "client_name"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"client_name":"a\u0007b"}"#,
                "control"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"logo_uri":"javascript:x"}"#,
                "logo_uri"
            ),
            (
                #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"scope":"calendar.read"}"#,
                "scope"
            ),
        ]
    )
    func refused(_ json: String, _ what: String) {
        #expect(throws: ClientMetadataDocumentError.self, "\(what)") { try Self.validate(json) }
    }

    @Test("a private_key_jwt document with a jwks_uri or a public jwks is accepted")
    func privateKeyJWT() throws {
        let withURI = try Self.validate(
            #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://app.example/jwks.json"}"#
        )
        #expect(withURI.jwksURI == "https://app.example/jwks.json" && withURI.jwks == nil)
        let withKeys = try Self.validate(
            #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}}"#
        )
        #expect(withKeys.jwks != nil)
    }

    @Test("scopes of other servers in a document are ignored, ours kept")
    func scopes() throws {
        let metadata = try Self.validate(
            #"{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"],"scope":"calendar.read mcp:read"}"#
        )
        #expect(metadata.scope == "mcp:read")
    }

    @Test(
        "client ID URLs that are not https URLs with a clean path are refused",
        arguments: [
            "http://app.example/client.json", "https://app.example", "https://app.example/client.json#x",
            "https://user@app.example/client.json", "https://user:pw@app.example/client.json",
            "https://app.example/a/../client.json", "https://app.example/./client.json", "https://app.example/a/..",
            "https://app.example/a/%2e%2E/client.json", "https://app.example/%2e/client.json",
            "https://app.example/a b", "HTTPS://app.example/client.json",
            "https://app.example/" + String(repeating: "a", count: 2000),
        ]
    )
    func refusedURLs(_ id: String) {
        #expect(throws: ClientMetadataDocumentError.self, "\(id)") {
            try ClientMetadataDocumentValidator.checkClientID(id)
        }
    }

    @Test("client ID URLs with a path, a port or a query are accepted")
    func acceptedURLs() throws {
        for id in ["https://app.example/", "https://app.example:8443/oauth/client", "https://app.example/c?v=2"] {
            try ClientMetadataDocumentValidator.checkClientID(id)
        }
    }
}
