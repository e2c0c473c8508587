public import HTTPTypes
public import Hummingbird
import MCPWire
import NIOCore

/// An OAuth error answered with the RFC 6749 §5.2 JSON body, `no-store`, and any challenge headers.
public struct OAuthHTTPError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// The RFC's error code, for example `invalid_client`.
    public let code: String
    public let detail: String?
    public let extraHeaders: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ detail: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.extraHeaders = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.response(
            self.status,
            OAuthErrorResponse(error: self.code, errorDescription: self.detail),
            headers: self.extraHeaders
        )
    }

    /// A JSON response with the no-store headers every OAuth answer carries.
    static func response(
        _ status: HTTPResponse.Status,
        _ body: some Encodable,
        headers extra: HTTPFields = [:]
    ) -> Response {
        let bytes = (try? JSONValue(encoding: body).serialized()) ?? Array(#"{"error":"server_error"}"#.utf8)
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func invalidClientMetadata(_ detail: String) -> Self { Self(.badRequest, "invalid_client_metadata", detail) }
    static func invalidRedirectURI(_ detail: String) -> Self { Self(.badRequest, "invalid_redirect_uri", detail) }
    static func invalidRequest(_ detail: String) -> Self { Self(.badRequest, "invalid_request", detail) }

    /// 429 with `Retry-After`.
    static func tooManyRequests(retryAfterSeconds: Int) -> Self {
        var headers = HTTPFields()
        headers[.retryAfter] = String(max(1, retryAfterSeconds))
        return Self(.tooManyRequests, "too_many_requests", "rate limit exceeded; retry later", headers: headers)
    }
}
