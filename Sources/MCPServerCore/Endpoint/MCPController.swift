import HTTPTypes
public import Hummingbird
import Logging
import MCPWire
import NIOCore
import ServiceLifecycle

/// `/mcp`: the Streamable HTTP transport in front of ``MCPDispatcher``.
///
/// HTTP rules live here (POST only, `Accept`, `Content-Type`, body size; `Origin` in
/// ``OriginGuardMiddleware``); everything the body says is the dispatcher's business.
public struct MCPController: Sendable {
    let dispatcher: MCPDispatcher
    let maxBodyBytes: Int
    /// Whether `WWW-Authenticate` challenges name the request's protected-resource metadata (auth is on).
    let challengesPointToMetadata: Bool

    public init(
        dispatcher: MCPDispatcher,
        maxBodyBytes: Int,
        challengesPointToMetadata: Bool = false
    ) {
        self.dispatcher = dispatcher
        self.maxBodyBytes = maxBodyBytes
        self.challengesPointToMetadata = challengesPointToMetadata
    }

    /// Adds POST (and the 405 answers for every other method) to `group`.
    public func addRoutes<Context: MCPRequestContext>(to group: RouterGroup<Context>) {
        group.post(use: self.post)
        for method in [HTTPRequest.Method.get, .delete, .put, .patch] {
            group.on("", method: method) { _, _ in Self.methodNotAllowed() }
        }
    }

    @Sendable func post(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        var request = request
        guard MediaTypes.acceptAdmitsJSONAndEventStream(request.headers[.accept]) else {
            return Self.error(
                .notAcceptable,
                .invalidRequest("Accept must list both application/json and text/event-stream")
            )
        }
        guard MediaTypes.isJSON(request.headers[.contentType]) else {
            return Self.error(.unsupportedMediaType, .invalidRequest("Content-Type must be application/json"))
        }
        let body: [UInt8]
        do {
            body = try await request.collectBody(limit: self.maxBodyBytes, tooLarge: BodyTooLarge())
        } catch is BodyTooLarge {
            return Self.error(
                .contentTooLarge,
                .invalidRequest("the body exceeds the limit of \(self.maxBodyBytes) bytes")
            )
        }
        let headers = request.headers
        let head = MCPRequestHead(
            header: { name in HTTPField.Name(name).flatMap { headers[$0] } },
            clientAddress: context.clientIPAddress,
            resource: context.urls.resource
        )
        let reply = await self.dispatcher.handle(
            body: body,
            head: head,
            logger: context.logger,
            authorization: context.authorization
        )
        var response = self.response(for: reply, context: context)
        if case .insufficientScope(_, let scope) = reply {
            response.headers[.wwwAuthenticate] =
                #"Bearer error="insufficient_scope", scope="\#(scope)""#
                + (self.challengesPointToMetadata
                    ? #", resource_metadata="\#(context.urls.protectedResourceMetadata)""# : "")
        }
        return response
    }

    /// Turns a dispatcher reply into a Hummingbird response.
    func response(for reply: MCPReply, context: some MCPRequestContext) -> Response {
        switch reply {
        case .accepted:
            return Response(status: .accepted)
        case .message(let status, let json):
            return Self.json(HTTPResponse.Status(code: status), json)
        case .stream(let events):
            let body = self.eventStream(context).body(events)
            return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
        case .subscription(let stream):
            let body = self.eventStream(context).body(stream)
            return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
        case .insufficientScope(let id, let scope):
            let error = JSONRPCError(code: .invalidRequest, message: "Forbidden: the access token lacks scope \(scope)")
            return Self.json(.forbidden, JSONRPCErrorResponse(id: id, error: error).json)
        case .retryLater(let status, let json, let seconds):
            var response = Self.json(HTTPResponse.Status(code: status), json)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    private func eventStream(_ context: some MCPRequestContext) -> EventStreamBody {
        EventStreamBody(
            keepAliveInterval: self.dispatcher.limits.keepAliveInterval,
            writeTimeout: self.dispatcher.limits.writeTimeout,
            closeConnection: { context.closeConnection() },
            logger: context.logger
        )
    }

    private struct BodyTooLarge: Error {}

    private static let eventStreamHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        // Proxies such as nginx would otherwise hold events back (2026-07-28 transport SHOULD).
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return headers
    }()

    static func methodNotAllowed() -> Response {
        var response = Self.error(
            .methodNotAllowed,
            JSONRPCError(code: .invalidRequest, message: "Method not allowed: use POST")
        )
        response.headers[.allow] = "POST"
        return response
    }

    static func error(_ status: HTTPResponse.Status, _ error: JSONRPCError) -> Response {
        Self.json(status, JSONRPCErrorResponse(id: nil, error: error).json)
    }

    static func json(_ status: HTTPResponse.Status, _ json: JSONValue) -> Response {
        let bytes = json.serialized()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
