import AsyncHTTPClient
import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one path every token request takes (RFC 6749 §3.2), whatever the grant: a form POST with the client's
/// authentication and the RFC 8707 `resource`, an answer read up to ``OAuthClient/maximumResponseBytes``, and
/// Bearer tokens only.
extension OAuthClient {
    /// What a token endpoint answered, before it is decided what that means for the grant.
    enum TokenAnswer {
        case token(TokenResponse)
        /// An OAuth error (`code` is `nil` when the body is not one).
        case refused(status: Int, code: String?, description: String?)
    }

    /// Sends a token request and sorts the answer into a token, a stale client, a dead grant, or an error.
    func requestToken(
        at endpoint: String,
        form: [(String, String)],
        client: ClientAuthentication
    ) async throws -> TokenOutcome {
        switch try await self.tokenAnswer(at: endpoint, form: form, client: client) {
        case .token(let token):
            return .token(token)
        case .refused(let status, let code, let description):
            if code == "invalid_client" || (status == 401 && code == nil) { return .invalidClient }
            if code == "invalid_grant" { return .invalidGrant(description ?? "invalid_grant") }
            throw BridgeError.authorization(
                "the token endpoint refused: HTTP \(status)\(Self.describe(code: code, description: description))"
            )
        }
    }

    /// Sends a token request and returns the token or the server's refusal as it stands.
    func tokenAnswer(
        at endpoint: String,
        form: [(String, String)],
        client: ClientAuthentication
    ) async throws -> TokenAnswer {
        let (status, bytes) = try await self.postForm(form, to: endpoint, client: client, purpose: "token endpoint")
        if status == 200, let token = try? JSONDecoder().decode(TokenResponse.self, from: Data(bytes)) {
            // DPoP and other sender-constrained types need proofs this client does not make.
            guard token.tokenType.lowercased() == "bearer" else {
                throw BridgeError.authorization(
                    "the token endpoint issued a \(PrintableText.clean(token.tokenType)) token; only Bearer is supported"
                )
            }
            return .token(token)
        }
        let error = try? JSONDecoder().decode(OAuthErrorResponse.self, from: Data(bytes))
        return .refused(
            status: status,
            code: error.map { PrintableText.clean($0.error) },
            description: error?.errorDescription.map { PrintableText.clean($0) }
        )
    }

    /// POSTs `form` (with `client`'s authentication) to `endpoint` and reads the answer.
    func postForm(
        _ form: [(String, String)],
        to endpoint: String,
        client: ClientAuthentication,
        purpose: String
    ) async throws -> (status: Int, body: [UInt8]) {
        guard let url = URL(string: endpoint) else {
            throw BridgeError.authorization("bad \(purpose) \(endpoint)")
        }
        try self.http.settings.check(url)
        var form = form
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: self.userAgent)
        try client.apply(to: &form, headers: &headers, now: Date())
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers = headers
        let body = form.map { "\(Self.formEncode($0))=\(Self.formEncode($1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await self.http.execute(request)
        let bytes = try await self.http.collect(response, limit: Self.maximumResponseBytes)
        return (Int(response.status.code), bytes)
    }

    /// ` (code: description)`, or nothing when there is no code.
    static func describe(code: String?, description: String?) -> String {
        guard let code else { return "" }
        return " (\(code)\(description.map { ": \($0)" } ?? ""))"
    }
}
