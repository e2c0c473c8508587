import Foundation
import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

@testable import MCPBridgeCore

/// A small HTTP server on 127.0.0.1 (port 0) that answers each request as the test's script says and records
/// what it was sent: an authorization server whose answers a test chooses one by one.
final class ScriptedAuthorizationServer: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String

        /// The form body's parameters (the last value of each name).
        var form: [String: String] {
            Dictionary((PercentEncoding.pairs(self.body) ?? []).map { ($0.name, $0.value) }) { _, last in last }
        }

        /// The form body's parameter names, in order, repeats included.
        var formNames: [String] { (PercentEncoding.pairs(self.body) ?? []).map(\.name) }
    }

    struct Response: Sendable {
        var status: Int
        var body: String
        var contentType = "application/json"
        /// More response headers (`WWW-Authenticate`, for a resource server's challenge).
        var headers: [String: String] = [:]

        static func json(_ body: String, status: Int = 200) -> Response { Response(status: status, body: body) }

        static func error(_ status: Int = 400, _ code: String, _ description: String? = nil) -> Response {
            let described = description.map { #","error_description":"\#($0)""# } ?? ""
            return Response(status: status, body: #"{"error":"\#(code)"\#(described)}"#)
        }
    }

    let port: Int
    /// Every request received, in order.
    let requests: Recorder<Request>
    private let channel: any Channel

    var base: String { "http://127.0.0.1:\(self.port)" }

    private init(port: Int, channel: any Channel, requests: Recorder<Request>) {
        self.port = port
        self.channel = channel
        self.requests = requests
    }

    /// Starts a server that answers with `script`.
    static func start(
        _ script: @escaping @Sendable (Request) -> Response
    ) async throws -> ScriptedAuthorizationServer {
        let recorder = Recorder<Request>()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(script: script, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ScriptedAuthorizationServer(port: channel.localAddress?.port ?? 0, channel: channel, requests: recorder)
    }

    /// A script that answers the requests in order with `responses`, then 500.
    static func sequence(_ responses: [Response]) -> @Sendable (Request) -> Response {
        let next = NIOLockedValueBox(0)
        return { _ in
            let index = next.withLockedValue { index in
                defer { index += 1 }
                return index
            }
            return index < responses.count ? responses[index] : .error(500, "server_error", "script exhausted")
        }
    }

    func stop() async {
        try? await self.channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let script: @Sendable (Request) -> Response
        let recorder: Recorder<Request>
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(script: @escaping @Sendable (Request) -> Response, recorder: Recorder<Request>) {
            self.script = script
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body.clear()
            case .body(var part):
                self.body.writeBuffer(&part)
            case .end:
                guard let head = self.head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(
                    method: head.method.rawValue,
                    path: head.uri,
                    headers: headers,
                    body: String(buffer: self.body)
                )
                self.recorder.append(request)
                let response = self.script(request)
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "Content-Type", value: response.contentType)
                responseHeaders.add(name: "Content-Length", value: String(response.body.utf8.count))
                for (name, value) in response.headers { responseHeaders.add(name: name, value: value) }
                let status = HTTPResponseStatus(statusCode: response.status)
                context.write(
                    self.wrapOutboundOut(
                        .head(HTTPResponseHead(version: head.version, status: status, headers: responseHeaders))
                    ),
                    promise: nil
                )
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
