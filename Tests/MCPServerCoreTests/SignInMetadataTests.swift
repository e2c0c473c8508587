import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// The authorization server metadata names only what the configuration turns on.
@Suite("Sign-in metadata follows the configuration")
struct SignInMetadataTests {
    @Test func withoutMetadataDocumentsTheMetadataSaysSo() async throws {
        var configuration = AuthConfiguration(registration: .closed, signInRegistration: .closed)
        configuration.signIn.metadataDocuments = nil
        let harness = try await AuthHarness.make(configuration: configuration)
        try await harness.app.test(.router) { client in
            let metadata = try await client.request(.get, "/.well-known/oauth-authorization-server").json
            #expect(metadata["client_id_metadata_document_supported"] == false)
            #expect(metadata["registration_endpoint"] == nil)
            // What stays whatever the configuration: the code flow with S256 and iss, and revocation.
            #expect(metadata["response_types_supported"] == ["code"])
            #expect(metadata["code_challenge_methods_supported"] == ["S256"])
            #expect(metadata["authorization_response_iss_parameter_supported"] == true)
            #expect(metadata["revocation_endpoint"] == .string("\(AuthHarness.base)/revoke"))
        }
    }

    @Test func theOpenIDFormUnderAStagePrefixHasTheSameSignInMembers() async throws {
        let base = "https://gw.example.com/prod"
        let harness = try await AuthHarness.make(base: base)
        try await harness.app.test(.router) { client in
            // The only form a stage-prefixed gateway routes; MCP requires PKCE methods in it.
            let metadata = try await client.request(.get, "/prod/.well-known/openid-configuration").json
            #expect(metadata["authorization_endpoint"] == .string("\(base)/authorize"))
            #expect(metadata["revocation_endpoint"] == .string("\(base)/revoke"))
            #expect(metadata["code_challenge_methods_supported"] == ["S256"])
        }
    }

    @Test func mutualTLSAddsTheCertificateMethodsEverywhereClientsAuthenticate() async throws {
        let server = try await AuthHarness.make().server
        let urls = ServerURLs(base: AuthHarness.base)
        let plain = server.authorizationServerMetadata(urls: urls)
        #expect(
            plain.tokenEndpointAuthMethodsSupported == [
                "none", "client_secret_basic", "client_secret_post", "private_key_jwt",
            ]
        )
        #expect(plain.revocationEndpointAuthMethodsSupported == plain.tokenEndpointAuthMethodsSupported)
        #expect(plain.tokenEndpointAuthSigningAlgValuesSupported == ClientAuthMethod.assertionSigningAlgorithms)
        #expect(!ClientAuthMethod.assertionSigningAlgorithms.contains { $0.hasPrefix("HS") || $0 == "none" })
        #expect(
            ClientAuthMethod.offered(mutualTLS: true).map(\.rawValue).suffix(2) == [
                "tls_client_auth", "self_signed_tls_client_auth",
            ]
        )
    }
}
