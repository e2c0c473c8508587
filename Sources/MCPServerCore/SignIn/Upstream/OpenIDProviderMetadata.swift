import MCPWire

/// What this server uses of an OpenID provider's discovery document (OpenID Connect Discovery 1.0 §3, RFC 8414).
struct OpenIDProviderMetadata: Sendable, Hashable {
    let issuer: String
    let authorizationEndpoint: String
    let tokenEndpoint: String
    let jwksURI: String
    /// `token_endpoint_auth_methods_supported`; `nil` when not published (the default is `client_secret_basic`).
    let tokenEndpointAuthMethods: [String]?
    /// RFC 9207 `authorization_response_iss_parameter_supported`: the provider puts `iss` in its redirects.
    let sendsIssuerInResponse: Bool

    /// Reads the document, whose `issuer` must be `expectedIssuer` exactly (OpenID Connect Discovery §4.3): a
    /// document that names another issuer may be an attacker's, and its keys would then be trusted.
    /// - Parameter allowHTTP: whether endpoints may be `http` on loopback (a provider on this machine).
    init(json: JSONValue, expectedIssuer: String, allowHTTP: Bool) throws(UpstreamSignInError) {
        guard case .object(let members) = json else {
            throw Self.failure("the discovery document is not a JSON object")
        }
        guard members["issuer"]?.stringValue.map({ $0.utf8.elementsEqual(expectedIssuer.utf8) }) == true else {
            throw Self.failure("the discovery document's issuer is not the configured issuer \(expectedIssuer)")
        }
        func endpoint(_ name: String) throws(UpstreamSignInError) -> String {
            guard let value = members[name]?.stringValue, let url = try? OutboundURL(value),
                url.isHTTPS || (allowHTTP && url.isLoopbackHost)
            else { throw Self.failure("the discovery document's \(name) is missing or not an https URL") }
            return value
        }
        self.issuer = expectedIssuer
        self.authorizationEndpoint = try endpoint("authorization_endpoint")
        self.tokenEndpoint = try endpoint("token_endpoint")
        self.jwksURI = try endpoint("jwks_uri")
        self.tokenEndpointAuthMethods = members["token_endpoint_auth_methods_supported"]?.arrayValue?
            .compactMap(\.stringValue)
        self.sendsIssuerInResponse = members["authorization_response_iss_parameter_supported"]?.boolValue ?? false
    }

    private static func failure(_ detail: String) -> UpstreamSignInError {
        UpstreamSignInError(UpstreamOIDCProvider.unavailableMessage, logDetail: "upstream discovery: \(detail)")
    }
}
