import Foundation
import MCPWire
import Testing

@Suite("Authorization server metadata (RFC 8414)")
struct AuthorizationServerMetadataTests {
    @Test func signInMembersRoundTripUnderTheirRFCNames() throws {
        let metadata = AuthorizationServerMetadata(
            issuer: "https://as.example",
            authorizationEndpoint: "https://as.example/authorize",
            tokenEndpoint: "https://as.example/token",
            registrationEndpoint: nil,
            jwksURI: nil,
            scopesSupported: ["mcp:read"],
            responseTypesSupported: ["code"],
            responseModesSupported: ["query"],
            grantTypesSupported: ["authorization_code"],
            tokenEndpointAuthMethodsSupported: ["none", "private_key_jwt"],
            tokenEndpointAuthSigningAlgValuesSupported: ["ES256"],
            revocationEndpoint: "https://as.example/revoke",
            revocationEndpointAuthMethodsSupported: ["none"],
            codeChallengeMethodsSupported: ["S256"],
            authorizationResponseIssParameterSupported: true,
            clientIDMetadataDocumentSupported: true
        )
        let json = try JSONValue(encoding: metadata)
        #expect(json["response_modes_supported"] == ["query"])
        #expect(json["token_endpoint_auth_signing_alg_values_supported"] == ["ES256"])
        #expect(json["revocation_endpoint"] == "https://as.example/revoke")
        #expect(json["revocation_endpoint_auth_methods_supported"] == ["none"])
        #expect(json["code_challenge_methods_supported"] == ["S256"])
        #expect(json["authorization_response_iss_parameter_supported"] == true)
        #expect(json["client_id_metadata_document_supported"] == true)
        #expect(json["registration_endpoint"] == nil)
        #expect(try json.decode(as: AuthorizationServerMetadata.self) == metadata)
    }

    @Test func informationalMembersOfTheWrongTypeReadAsAbsent() throws {
        // Another server's document: the members a client only reads for information must not make it unusable.
        let json = try JSONValue(
            parsing: Array(
                #"""
                {"issuer":"https://as.example","token_endpoint":"https://as.example/token",
                 "code_challenge_methods_supported":"S256","authorization_response_iss_parameter_supported":"true",
                 "revocation_endpoint":42,"client_id_metadata_document_supported":"yes"}
                """#.utf8
            )
        )
        let metadata = try json.decode(as: AuthorizationServerMetadata.self)
        #expect(metadata.tokenEndpoint == "https://as.example/token")
        #expect(metadata.responseTypesSupported == [])
        #expect(metadata.codeChallengeMethodsSupported == nil)
        #expect(metadata.authorizationResponseIssParameterSupported == nil)
        #expect(metadata.revocationEndpoint == nil)
        #expect(metadata.clientIDMetadataDocumentSupported == nil)
    }
}
