import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How this server authenticates to the upstream token endpoint: `client_secret_basic` or `client_secret_post`
/// with a secret (whichever the provider lists, Basic when it lists neither or nothing, as OpenID Connect
/// Discovery's default), or only `client_id` for a public upstream client, which relies on PKCE.
enum UpstreamClientAuthentication: Sendable, Hashable {
    case basic(clientID: String, secret: String)
    case post(clientID: String, secret: String)
    case none(clientID: String)

    init(clientID: String, secret: String?, supported: [String]?) {
        guard let secret else {
            self = .none(clientID: clientID)
            return
        }
        let methods = supported ?? ["client_secret_basic"]
        if !methods.contains("client_secret_basic"), methods.contains("client_secret_post") {
            self = .post(clientID: clientID, secret: secret)
        } else {
            self = .basic(clientID: clientID, secret: secret)
        }
    }

    /// The form fields this method adds to the token request.
    var formFields: [(name: String, value: String)] {
        switch self {
        case .basic: []
        case .post(let clientID, let secret): [("client_id", clientID), ("client_secret", secret)]
        case .none(let clientID): [("client_id", clientID)]
        }
    }

    /// The header fields this method adds: RFC 6749 §2.3.1 form-encodes id and secret before Base64.
    var headerFields: [(name: String, value: String)] {
        guard case .basic(let clientID, let secret) = self else { return [] }
        let credentials = FormURLEncoded.encodeComponent(clientID) + ":" + FormURLEncoded.encodeComponent(secret)
        return [("Authorization", "Basic " + Base64.encode(Array(credentials.utf8)))]
    }
}
