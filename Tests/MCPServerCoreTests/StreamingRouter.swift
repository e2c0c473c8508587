import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCPServerCore
import MCPWire
import NIOCore

/// The real router in process, with the answer's body read while it is written: for SSE answers that stay open
/// (`subscriptions/listen`, a legacy question waiting for its answer), which `app.test(.router)` would wait on until
/// they end.
struct StreamingRouter: Sendable {
    let dispatcher: MCPDispatcher
    private let responder: RouterResponder<StreamTestContext>

    /// - Parameters:
    ///   - base: the public base URL the router answers with (its MCP URL is `base + "/mcp"`).
    ///   - authorizationServer: guards `/mcp` with real tokens when given; then requests need an `Authorization`
    ///     header, and `as`/`authorization` of ``post(_:headers:as:authorization:connection:_:)`` are replaced.
    init(dispatcher: MCPDispatcher, base: String = "http://mcp.test", authorizationServer: AuthorizationServer? = nil) {
        self.dispatcher = dispatcher
        let dependencies = ServerDependencies(
            dispatcher: dispatcher,
            store: authorizationServer?.store ?? InMemoryServerStore(),
            originPolicy: OriginPolicy(allowedOrigins: []),
            maxBodyBytes: ServerConfiguration.defaultMaxBodyBytes,
            baseURL: .fixed(URL(string: base)!),
            authorizationServer: authorizationServer
        )
        self.responder = buildRouter(context: StreamTestContext.self, dependencies: dependencies).buildResponder()
    }

    /// POSTs `body` to `/mcp` and hands `inspect` the answer as it arrives; when `inspect` returns, the client goes
    /// away (the body's writing is cancelled), as a closed connection would do it.
    /// - Parameters:
    ///   - principal: the client a verified token would name, with scopes `mcp:read` and `mcp:tools` (without an
    ///     authorization server nothing replaces it).
    ///   - authorization: what a verified token would allow, instead of `principal`'s.
    ///   - connection: the connection the request arrives on, for a test that drops or stalls it.
    func post<T: Sendable>(
        _ body: JSONValue,
        headers: [String: String],
        as principal: String? = nil,
        authorization: MCPAuthorization? = nil,
        connection: TestConnection = TestConnection(),
        _ inspect: (LiveAnswer) async throws -> T
    ) async throws -> T {
        var fields: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "mcp.test", path: "/mcp", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(bytes: body.serialized()))
        )
        var context = StreamTestContext(source: .init(logger: Self.logger, connection: connection))
        context.authorization =
            authorization
            ?? principal.map { MCPAuthorization(clientID: $0, scopes: [OAuthScope.read, OAuthScope.tools]) }
        let response = try await self.responder.respond(to: request, context: context)
        let (frames, continuation) = AsyncThrowingStream.makeStream(of: LiveAnswer.Frame.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let writer = FrameWriter(continuation: continuation, connection: connection)
                do {
                    try await response.body.write(writer)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            let answer = LiveAnswer(status: response.status, headers: response.headers, frames: frames)
            defer { group.cancelAll() }
            return try await inspect(answer)
        }
    }

    /// Any request, answered whole (for the OAuth endpoints).
    func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        headers: [String: String] = [:],
        body: String = ""
    ) async throws -> (status: HTTPResponse.Status, body: String) {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "mcp.test", path: path, headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
        let connection = TestConnection()
        let context = StreamTestContext(source: .init(logger: Self.logger, connection: connection))
        let response = try await self.responder.respond(to: request, context: context)
        let (frames, continuation) = AsyncThrowingStream.makeStream(of: LiveAnswer.Frame.self)
        try await response.body.write(FrameWriter(continuation: continuation, connection: connection))
        continuation.finish()
        var text = ""
        for try await frame in frames { if case .body(let part) = frame { text += part } }
        return (response.status, text)
    }

    private static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A 2026-07-28 request with the envelope and headers `client.modern` sends.
    func modern<T: Sendable>(
        _ method: String,
        params: [String: JSONValue] = [:],
        id: JSONValue = 1,
        capabilities: JSONValue = [:],
        headers extra: [String: String] = [:],
        as principal: String? = nil,
        authorization: MCPAuthorization? = nil,
        connection: TestConnection = TestConnection(),
        _ inspect: (LiveAnswer) async throws -> T
    ) async throws -> T {
        var params = params
        params["_meta"] = [MCPMetaKey.protocolVersion: "2026-07-28", MCPMetaKey.clientCapabilities: capabilities]
        var headers = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method]
        if let name = params["name"]?.stringValue ?? params["uri"]?.stringValue {
            headers["Mcp-Name"] = MCPHeader.encodeValue(name)
        }
        headers.merge(extra) { $1 }
        let body: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]
        return try await self.post(
            body,
            headers: headers,
            as: principal,
            authorization: authorization,
            connection: connection,
            inspect
        )
    }

    /// A legacy request (after initialize) with `MCP-Protocol-Version: version`.
    func legacy<T: Sendable>(
        _ method: String,
        params: JSONValue = [:],
        id: JSONValue = 1,
        version: String = "2025-11-25",
        _ inspect: (LiveAnswer) async throws -> T
    ) async throws -> T {
        let body: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params]
        return try await self.post(body, headers: ["MCP-Protocol-Version": version], inspect)
    }
}

/// An answer whose body is read frame by frame.
struct LiveAnswer: Sendable {
    enum Frame: Sendable, Hashable {
        /// A `data:` event, parsed.
        case message(JSONValue)
        /// An SSE comment line.
        case comment
        /// A body that is not SSE (a JSON answer), whole.
        case body(String)
    }

    let status: HTTPResponse.Status
    let headers: HTTPFields
    let frames: AsyncThrowingStream<Frame, any Error>

    /// The next frame; `nil` when the body has ended.
    func next() async throws -> Frame? {
        var iterator = self.frames.makeAsyncIterator()
        return try await iterator.next()
    }

    /// The next SSE message, skipping comments; `nil` when the body has ended.
    func nextMessage() async throws -> JSONValue? {
        while let frame = try await self.next() {
            if case .message(let message) = frame { return message }
        }
        return nil
    }

    /// Everything left, as one string (for JSON answers).
    func text() async throws -> String {
        var text = ""
        while let frame = try await self.next() {
            switch frame {
            case .body(let body): text += body
            case .message(let message): text += "data: " + message.serializedString() + "\n\n"
            case .comment: text += ":\n\n"
            }
        }
        return text
    }
}

/// Splits an SSE body into frames as it is written; a body that is not SSE passes through whole.
private final class FrameWriter: ResponseBodyWriter {
    let continuation: AsyncThrowingStream<LiveAnswer.Frame, any Error>.Continuation
    let connection: TestConnection
    private var pending: [UInt8] = []

    init(continuation: AsyncThrowingStream<LiveAnswer.Frame, any Error>.Continuation, connection: TestConnection) {
        self.continuation = continuation
        self.connection = connection
    }

    func write(_ buffer: ByteBuffer) async throws {
        try await self.connection.admitWrite()
        self.pending += buffer.readableBytesView
        while let end = self.frameEnd() {
            let frame = String(decoding: self.pending[..<end], as: UTF8.self)
            self.pending.removeFirst(end + 2)
            if frame.hasPrefix(":") {
                self.continuation.yield(.comment)
            } else if let data = frame.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }) {
                self.continuation.yield(.message(try JSONValue(parsing: String(data.dropFirst(6)))))
            }
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {
        if !self.pending.isEmpty { self.continuation.yield(.body(String(decoding: self.pending, as: UTF8.self))) }
        self.pending = []
    }

    private func frameEnd() -> Int? {
        guard self.pending.count >= 2 else { return nil }
        for index in 0..<(self.pending.count - 1) where self.pending[index] == 0x0A && self.pending[index + 1] == 0x0A {
            return index
        }
        return nil
    }
}

/// A request context of no particular host, so the test can make one per request.
struct StreamTestContext: MCPRequestContext {
    struct Source: RequestContextSource {
        var logger: Logger
        var connection: TestConnection
    }

    var coreContext: CoreRequestContextStorage
    var clientIPAddress: String? = "127.0.0.1"
    var urls = ServerURLs(base: "http://mcp.test")
    var authorization: MCPAuthorization?
    var peerIPAddress: String? { "127.0.0.1" }
    var localPort: Int? { nil }
    let connection: TestConnection

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.connection = source.connection
    }

    func clientCertificateDER() async -> [UInt8]? { nil }

    func closeConnection() {
        self.connection.close()
    }
}
