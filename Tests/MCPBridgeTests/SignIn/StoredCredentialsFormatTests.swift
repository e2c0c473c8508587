import Foundation
import MCPBridgeCore
import Testing

/// Credential files written before sign-in existed still load, as the registered `client_credentials` clients
/// they are; new files round-trip every sign-in field.
@Suite struct StoredCredentialsFormatTests {
    @Test func aFileFromBeforeSignInLoads() throws {
        let old = """
            {"client_id":"c1","client_name":"mcp-bridge on host","client_secret":"s","issuer":"https://as",
             "registered_at":1700000000,"resource":"https://mcp/mcp","scope":"mcp:read",
             "token_endpoint":"https://as/token","token_endpoint_auth_method":"client_secret_basic"}
            """
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let credentials = try decoder.decode(StoredCredentials.self, from: Data(old.utf8))
        #expect(credentials.grant == .clientCredentials)
        #expect(credentials.clientSource == .registered)
        #expect(credentials.refreshToken == nil)
        #expect(credentials.secretsInSystemStore == false)
        #expect(credentials.clientSecret == "s")
    }

    @Test func signInFieldsRoundTrip() throws {
        let credentials = StoredCredentials(
            issuer: "https://as",
            resource: "https://mcp/mcp",
            tokenEndpoint: "https://as/token",
            registrationEndpoint: nil,
            tokenEndpointAuthMethod: "none",
            clientID: "https://bridge.example.com/client.json",
            clientSecret: nil,
            registrationAccessToken: nil,
            registrationClientURI: nil,
            clientName: nil,
            scope: "mcp:read offline_access",
            accessToken: "at",
            tokenExpiresAt: Date(timeIntervalSince1970: 1_800_000_000),
            tokenIssuedAt: Date(timeIntervalSince1970: 1_799_999_000),
            registeredAt: Date(timeIntervalSince1970: 1_700_000_000),
            grant: .authorizationCode,
            clientSource: .metadataDocument,
            refreshToken: "rt",
            redirectURI: "http://127.0.0.1:23456/callback",
            authorizationEndpoint: "https://as/authorize",
            deviceAuthorizationEndpoint: "https://as/device",
            revocationEndpoint: "https://as/revoke",
            issParameterSupported: true,
            account: "alice",
            secretsInSystemStore: false
        )
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        #expect(try decoder.decode(StoredCredentials.self, from: encoder.encode(credentials)) == credentials)
    }
}
