import AsyncHTTPClient
import NIOHTTP1

/// Sends a request to the MCP server with the current access token, and answers the server's refusals of the
/// token: a 401 gets a new token, a 403 `insufficient_scope` a token with the scope it names, each once, and the
/// request is built again and resent.
///
/// Both transports send every request through here, so token renewal and recovery work the same on every
/// request: POSTs, the legacy stream, the resumption of a broken response stream, the GET stream.
struct AuthorizedExchange: Sendable {
    let http: BridgeHTTP
    let authorizer: Authorizer

    /// How long the server may take to send the response head.
    enum Wait: Sendable {
        /// `--timeout`, with connection failures retried (``BridgeHTTP/execute(_:)``).
        case answer
        /// As long as it likes: a stream the server may hold until it has something to send
        /// (``BridgeHTTP/openStream(_:)``).
        case stream
    }

    /// Sends the request `build` makes for a token (`nil` while none is needed) until the server stops refusing
    /// the token, or refuses it in a way no new token can fix.
    ///
    /// - Returns: The response that ended the exchange, its body unread. It may be the 401 or 403 of a refusal
    ///   that could not be answered (no OAuth, or the new token was refused as well); the caller reports it.
    func send(
        _ wait: Wait = .answer,
        _ build: (_ token: String?) -> HTTPClientRequest
    ) async throws -> HTTPClientResponse {
        var token = try await self.authorizer.token()
        var renewed = false
        var widened = false
        while true {
            let request = build(token)
            let response =
                switch wait {
                case .answer: try await self.http.execute(request)
                case .stream: try await self.http.openStream(request)
                }
            guard let provider = self.authorizer.provider else { return response }
            let challenge = BearerChallenge(headerValues: response.headers["WWW-Authenticate"])
            switch response.status {
            case .unauthorized where !renewed:
                renewed = true
                await response.discardBody()
                token = try await provider.unauthorized(challenge: challenge, sentToken: token)
            case .forbidden where !widened:
                guard let challenge, challenge.error == "insufficient_scope" else { return response }
                widened = true
                await response.discardBody()
                token = try await provider.insufficientScope(challenge: challenge, sentToken: token)
            default:
                return response
            }
        }
    }
}
