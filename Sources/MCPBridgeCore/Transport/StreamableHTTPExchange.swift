import AsyncHTTPClient
import Logging
import MCPWire
import NIOHTTP1

/// One host message POSTed to a Streamable HTTP server, and its answer handled: a JSON answer relayed whole, an
/// SSE answer read as it streams (``ResponseStream``), a JSON-RPC error sent with an HTTP error status relayed
/// as the answer, anything else turned into a ``BridgeError``.
///
/// Token refusals are answered on the way (``AuthorizedExchange``); a lost session is reported to the caller,
/// which owns the recovery.
struct StreamableHTTPExchange: Sendable {
    let session: StreamableHTTPSession
    let authorized: AuthorizedExchange
    let responseStream: ResponseStream
    let fallback: StreamableHTTPConnection.Fallback
    /// Largest JSON answer accepted.
    let maxMessageBytes: Int
    let logger: Logger

    /// How an exchange ended, when it did not throw.
    enum Outcome: Sendable {
        /// The answer (or, for notifications and responses, the acknowledgement) was handled.
        case done
        /// The server no longer knows session `id` (404): start a new one and send the message again.
        case sessionLost(String)
    }

    /// POSTs `message`, delivering the server's messages to `sink`.
    ///
    /// - Parameter mayRecoverSession: Whether a 404 for a known session is reported as
    ///   ``Outcome/sessionLost(_:)`` (once per message) rather than as an error.
    func send(
        _ message: HostMessage,
        sink: any ServerMessageSink,
        mayRecoverSession: Bool
    ) async throws -> Outcome {
        var sentSessionID: String?
        let response = try await self.authorized.send { token in
            let (sessionID, version) = self.session.current
            sentSessionID = sessionID
            var request = self.session.builder.request(
                .POST,
                self.session.url,
                sessionID: sessionID,
                protocolVersion: message.modernProtocolVersion ?? version,
                token: token,
                accept: "application/json, text/event-stream",
                body: message.bytes
            )
            self.addModernHeaders(for: message, to: &request)
            return request
        }
        let status = Int(response.status.code)
        if status == 404, mayRecoverSession, message.method != MCPMethod.initialize, let lost = sentSessionID {
            // The server ended the session (restart, expiry): MUST start a new one and retry.
            await response.discardBody()
            return .sessionLost(lost)
        }
        switch status {
        case 200..<300:
            if message.method == MCPMethod.initialize,
                let sessionID = response.headers.first(name: MCPHeader.sessionID)
            {
                self.session.started(sessionID)
            }
            try await self.handleSuccess(response, for: message, sink: sink)
            self.session.markAnswered()
            return .done
        case 401:
            // Only reached when no new token can help: no OAuth, or the new token was refused too.
            let body = await response.errorBody()
            let challenge = BearerChallenge(headerValues: response.headers["WWW-Authenticate"])
            throw BridgeError.authorization(
                "the server refused the credentials (HTTP 401\(challenge?.error.map { ", \($0)" } ?? "")\(HTTPClientResponse.snippet(body)))"
            )
        case 403:
            let body = await response.errorBody()
            if self.relayErrorAnswer(body, for: message, sink: sink) { return .done }
            let challenge = BearerChallenge(headerValues: response.headers["WWW-Authenticate"])
            throw BridgeError.httpStatus(403, challenge?.error ?? HTTPClientResponse.snippet(body))
        default:
            let body = try await self.authorized.http.collect(response, limit: self.maxMessageBytes)
            if self.relayErrorAnswer(body, for: message, sink: sink) { return .done }
            if self.fallback == .allowed, !self.session.hasAnswered, [400, 404, 405].contains(status) {
                throw StreamableHTTPConnection.LegacyServerSuspected(status: status)
            }
            throw BridgeError.httpStatus(status, HTTPClientResponse.snippet(body))
        }
    }

    /// Relays a JSON-RPC error body sent with an HTTP error status (2026-07-28 sends 400/-32020, 404/-32601
    /// this way). Returns whether it was one.
    private func relayErrorAnswer(_ body: [UInt8], for message: HostMessage, sink: any ServerMessageSink) -> Bool {
        guard !body.isEmpty, let parsed = try? JSONRPCMessage(parsing: body), case .errorResponse(let error) = parsed
        else {
            return false
        }
        if let id = message.requestID {
            guard error.id == nil || error.id == id else { return false }
            if error.id == nil {
                // An error without an id (allowed on HTTP errors): give it the request's id so the host can match it.
                sink.deliver(Array(JSONRPCErrorResponse(id: id, error: error.error).json.serialized()))
                return true
            }
            sink.deliver(body)
            return true
        }
        self.logger.warning(
            "The server refused a notification or response",
            metadata: ["error": "\(error.error.message)"]
        )
        return true
    }

    private func handleSuccess(
        _ response: HTTPClientResponse,
        for message: HostMessage,
        sink: any ServerMessageSink
    ) async throws {
        guard let id = message.requestID else {
            // Notifications and responses: 202 and nothing to relay.
            await response.discardBody()
            return
        }
        switch response.mediaType {
        case "application/json":
            let body = try await self.authorized.http.collect(response, limit: self.maxMessageBytes)
            try self.deliverFinal(body, for: id, request: message, sink: sink)
        case "text/event-stream":
            try await self.responseStream.read(response, answering: message, id: id, sink: sink)
        default:
            await response.discardBody()
            if response.status == .accepted {
                throw BridgeError.protocolViolation("the server accepted a request (HTTP 202) without answering it")
            }
            throw BridgeError.protocolViolation(
                "the answer has content type \"\(response.mediaType)\", not JSON or SSE"
            )
        }
    }

    /// Delivers the final answer to request `id`, learning what the bridge needs from it on the way.
    private func deliverFinal(
        _ body: [UInt8],
        for id: JSONRPCID,
        request: HostMessage,
        sink: any ServerMessageSink
    ) throws {
        let parsed: JSONRPCMessage
        do {
            parsed = try JSONRPCMessage(parsing: body)
        } catch {
            throw BridgeError.protocolViolation("the answer is not a JSON-RPC message (\(error.error.message))")
        }
        switch parsed {
        case .response(let response) where response.id == id:
            self.session.learn(from: response.result, request: request)
        case .errorResponse(let response) where response.id == id:
            break
        default:
            throw BridgeError.protocolViolation("the answer is not the response to request \(id)")
        }
        sink.deliver(body)
    }

    /// 2026-07-28 requires `Mcp-Method` on every request, `Mcp-Name` for the three named methods, and the
    /// `x-mcp-header` arguments as `Mcp-Param-*`; hosts over stdio send none of these, so the bridge derives them.
    private func addModernHeaders(for message: HostMessage, to request: inout HTTPClientRequest) {
        guard message.modernProtocolVersion != nil, let method = message.method else { return }
        request.headers.add(name: MCPHeader.method, value: method)
        let params = message.params
        switch method {
        case MCPMethod.toolsCall, MCPMethod.promptsGet:
            guard let name = params?["name"]?.stringValue else { return }
            request.headers.add(name: MCPHeader.name, value: MCPHeader.encodeValue(name))
            if method == MCPMethod.toolsCall, let annotations = self.session.paramHeaders(forTool: name) {
                for (header, value) in MCPParamHeaders.headers(for: annotations, arguments: params?["arguments"]) {
                    request.headers.add(name: header, value: value)
                }
            }
        case MCPMethod.resourcesRead:
            if let uri = params?["uri"]?.stringValue {
                request.headers.add(name: MCPHeader.name, value: MCPHeader.encodeValue(uri))
            }
        default:
            break
        }
    }
}
