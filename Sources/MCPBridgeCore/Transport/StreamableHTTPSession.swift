import AsyncHTTPClient
import MCPWire
import NIOConcurrencyHelpers
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a Streamable HTTP server is and what the bridge knows about its session with it: the session id, the
/// negotiated protocol version, the host's handshake, and the tools' `x-mcp-header` annotations.
///
/// Shared by the POSTs (``StreamableHTTPExchange``), their response streams (``ResponseStream``) and the GET
/// stream (``ServerStreamListener``): each reads it for its headers, and the answers teach it.
final class StreamableHTTPSession: Sendable {
    /// The MCP endpoint.
    let url: URL
    let builder: RequestBuilder

    private struct State {
        var id: String?
        var negotiatedVersion: String?
        var handshake = Handshake()
        var answeredOnce = false
        /// `x-mcp-header` annotations per tool name, learned from `tools/list` answers (2026-07-28).
        var paramHeaders: [String: [MCPParamHeaders.Annotation]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    init(url: URL, builder: RequestBuilder) {
        self.url = url
        self.builder = builder
    }

    /// The session id the server assigned and the negotiated protocol version, read together for one request.
    var current: (id: String?, version: String?) {
        self.state.withLockedValue { ($0.id, $0.negotiatedVersion) }
    }

    /// Whether the server has answered any message yet (a refusal after that is not a sign of a legacy server).
    var hasAnswered: Bool { self.state.withLockedValue { $0.answeredOnce } }

    /// Keeps the host's `initialize` and `notifications/initialized`, to replay them when the session is lost.
    func record(_ message: HostMessage) {
        self.state.withLockedValue { $0.handshake.record(message) }
    }

    /// The server assigned session `id` in its answer to `initialize`.
    func started(_ id: String) {
        self.state.withLockedValue { $0.id = id }
    }

    /// The server answered a message with a 2xx.
    func markAnswered() {
        self.state.withLockedValue { $0.answeredOnce = true }
    }

    /// Learns what the bridge needs from the result of `request`: the negotiated version from `initialize`,
    /// the parameter headers from a 2026-07-28 `tools/list`.
    func learn(from result: JSONValue, request: HostMessage) {
        switch request.method {
        case MCPMethod.initialize:
            if let version = result["protocolVersion"]?.stringValue {
                self.state.withLockedValue { $0.negotiatedVersion = version }
            }
        case MCPMethod.toolsList where request.modernProtocolVersion != nil:
            var learned: [String: [MCPParamHeaders.Annotation]] = [:]
            for tool in result["tools"]?.arrayValue ?? [] {
                guard let name = tool["name"]?.stringValue, let schema = tool["inputSchema"] else { continue }
                let annotations = MCPParamHeaders.annotations(in: schema)
                if !annotations.isEmpty { learned[name] = annotations }
            }
            if !learned.isEmpty { self.state.withLockedValue { $0.paramHeaders.merge(learned) { _, new in new } } }
        default:
            break
        }
    }

    /// The `x-mcp-header` annotations of tool `name`, once a `tools/list` answer named them.
    func paramHeaders(forTool name: String) -> [MCPParamHeaders.Annotation]? {
        self.state.withLockedValue { $0.paramHeaders[name] }
    }

    /// Forgets session `lost` and returns the handshake to replay; `nil` when the session was already replaced
    /// (another request saw the same loss and recovered).
    func forget(_ lost: String) -> Handshake? {
        self.state.withLockedValue { state in
            guard state.id == lost else { return nil }
            state.id = nil
            return state.handshake
        }
    }

    /// A request to the endpoint carrying the session's id and version.
    func request(_ method: HTTPMethod, token: String?) -> HTTPClientRequest {
        let (id, version) = self.current
        return self.builder.request(method, self.url, sessionID: id, protocolVersion: version, token: token)
    }

    /// A GET for an event stream: the server's own stream, or the resumption of a broken response stream.
    func eventStreamRequest(token: String?, lastEventID: String?) -> HTTPClientRequest {
        let (id, version) = self.current
        return self.builder.request(
            .GET,
            self.url,
            sessionID: id,
            protocolVersion: version,
            token: token,
            accept: "text/event-stream",
            lastEventID: lastEventID
        )
    }
}
