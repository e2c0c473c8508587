public import MCPWire
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the bridge proves which client it is at the token, device authorization and revocation endpoints
/// (RFC 6749 §2.3, RFC 7523 §2.2).
public enum ClientAuthentication: Sendable, Hashable {
    /// A public client (`none`) with this client id: PKCE protects the code, and `client_id` travels in the body.
    case none(String)
    /// `client_secret_basic` with this id and secret: both in the `Authorization` header, each form-encoded first
    /// (RFC 6749 §2.3.1).
    case basic(String, String)
    /// `client_secret_post` with this id and secret: both in the body.
    case post(String, String)
    /// `private_key_jwt` for this client id: an assertion signed with the key, whose `aud` is `audience` (the
    /// authorization server's issuer).
    case privateKeyJWT(String, ClientSigningKey, audience: String)

    /// The RFC 8414 `client_assertion_type` of ``privateKeyJWT(_:_:audience:)``.
    public static let jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    public var clientID: String {
        switch self {
        case .none(let clientID), .basic(let clientID, _), .post(let clientID, _), .privateKeyJWT(let clientID, _, _):
            clientID
        }
    }

    /// The `token_endpoint_auth_method` this is (RFC 7591 §2).
    public var method: String {
        switch self {
        case .none: "none"
        case .basic: "client_secret_basic"
        case .post: "client_secret_post"
        case .privateKeyJWT: "private_key_jwt"
        }
    }

    /// How a stored client authenticates, from its `token_endpoint_auth_method`. A `private_key_jwt` client needs
    /// `signingKey` (the key is never stored; it is read from `--private-key-file` on each run). Anything
    /// unrecognised is `client_secret_basic`, the RFC 7591 default.
    public init(credentials: StoredCredentials, signingKey: ClientSigningKey? = nil) throws(BridgeError) {
        switch credentials.tokenEndpointAuthMethod {
        case "none":
            self = .none(credentials.clientID)
        case "client_secret_post":
            self = .post(credentials.clientID, credentials.clientSecret ?? "")
        case "private_key_jwt":
            guard let signingKey else {
                throw .configuration(
                    "the client \(credentials.clientID) authenticates with a private key (private_key_jwt); pass --private-key-file"
                )
            }
            self = .privateKeyJWT(credentials.clientID, signingKey, audience: credentials.issuer)
        default:
            self = .basic(credentials.clientID, credentials.clientSecret ?? "")
        }
    }

    /// How a client registered beforehand (`--client-id`) authenticates with the server `metadata` describes:
    /// a secret goes in the `Authorization` header unless the server takes it only in the body (RFC 8414: no
    /// list means `client_secret_basic`); a key signs assertions for the server's issuer.
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` when the server's metadata rules out the key given: it does not
    ///   list `private_key_jwt`, or not the key's algorithm.
    public static func preRegistered(
        _ client: PreRegisteredClient,
        metadata: AuthorizationServerMetadata
    ) throws(BridgeError) -> ClientAuthentication {
        let methods = metadata.tokenEndpointAuthMethodsSupported
        switch client.authentication {
        case .none:
            return .none(client.clientID)
        case .secret(let secret):
            if let methods, !methods.contains("client_secret_basic"), methods.contains("client_secret_post") {
                return .post(client.clientID, secret)
            }
            return .basic(client.clientID, secret)
        case .privateKey(let key):
            if let methods, !methods.contains("private_key_jwt") {
                throw .configuration(
                    "the authorization server \(metadata.issuer) does not accept private_key_jwt (it lists \(methods.joined(separator: ", "))); use a client secret instead of --private-key-file"
                )
            }
            if let algorithms = metadata.tokenEndpointAuthSigningAlgValuesSupported, !algorithms.contains(key.algorithm)
            {
                throw .configuration(
                    "the authorization server \(metadata.issuer) accepts assertions signed with \(algorithms.joined(separator: ", ")), not \(key.algorithm); use a key of another type"
                )
            }
            return .privateKeyJWT(client.clientID, key, audience: metadata.issuer)
        }
    }

    /// Adds this authentication to a form request: body parameters, or the `Authorization` header.
    func apply(to form: inout [(String, String)], headers: inout HTTPHeaders, now: Date) throws(BridgeError) {
        switch self {
        case .none(let clientID):
            form.append(("client_id", clientID))
        case .basic(let clientID, let secret):
            let pair = PercentEncoding.encode(clientID, form: true) + ":" + PercentEncoding.encode(secret, form: true)
            headers.add(name: "Authorization", value: "Basic " + Base64.encode(Array(pair.utf8)))
            // RFC 6749 §2.3.1 does not ask for it, but servers built on the Python MCP SDK read the client from the
            // body only; it is the same id, so servers that check both (mcp-server does) agree.
            form.append(("client_id", clientID))
        case .post(let clientID, let secret):
            form.append(("client_id", clientID))
            form.append(("client_secret", secret))
        case .privateKeyJWT(let clientID, let key, let audience):
            // RFC 7523 §2.2: the assertion identifies the client; `client_id` may be left out, and is, since some
            // servers refuse a request that carries both.
            form.append(("client_assertion_type", Self.jwtBearerAssertionType))
            form.append(("client_assertion", try key.assertion(clientID: clientID, audience: audience, now: now)))
        }
    }
}
