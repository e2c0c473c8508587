import AsyncHTTPClient
import Logging
import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds out which era a Streamable HTTP server speaks, the way the 2026-07-28 versioning rules tell a dual-era
/// client to: a `server/discover` request first. A discovery result, or an error only a 2026-07-28 server sends
/// (-32020 … -32022), means modern; any other answer (method not found, a 400 for an unknown protocol version, a
/// 404 or 405 without a JSON-RPC body) means legacy, without depending on one specific error code.
///
/// It sends on its own request path rather than the connection's, so a refusal does not make `--transport auto`
/// give up on Streamable HTTP, and nothing it learns leaks into the connection's session.
struct EraProbe: Sendable {
    let url: URL
    let builder: RequestBuilder
    let authorized: AuthorizedExchange
    let maxMessageBytes: Int
    let logger: Logger

    static let requestID = JSONRPCID("mcp-bridge-discover")

    /// The `server/discover` request: the host's capabilities and client info when known, else the bridge's.
    static func discoverRequest(
        id: JSONRPCID = Self.requestID,
        capabilities: JSONValue = [:],
        clientInfo: JSONValue? = nil
    ) -> JSONRPCRequest {
        var meta: [String: JSONValue] = [
            MCPMetaKey.protocolVersion: .string(MCPProtocolVersion.latest.rawValue),
            MCPMetaKey.clientCapabilities: capabilities,
        ]
        meta[MCPMetaKey.clientInfo] =
            clientInfo ?? ["name": "mcp-bridge", "version": .string(RemoteMCP.version)]
        return JSONRPCRequest(id: id, method: MCPMethod.discover, params: ["_meta": .object(meta)])
    }

    /// Asks the server. Throws only when it could not be reached at all (nothing was learned).
    func detect() async throws -> ServerEra {
        let request = Self.discoverRequest()
        let body = request.json.serialized()
        let response = try await self.authorized.send { token in
            var http = self.builder.request(
                .POST,
                self.url,
                protocolVersion: MCPProtocolVersion.latest.rawValue,
                token: token,
                accept: "application/json, text/event-stream",
                body: body
            )
            http.headers.add(name: MCPHeader.method, value: MCPMethod.discover)
            return http
        }
        let status = Int(response.status.code)
        let answer: JSONRPCMessage?
        if response.mediaType == "text/event-stream", (200..<300).contains(status) {
            answer = try await self.firstAnswer(in: response)
        } else {
            let bytes = await response.errorBodyUpTo(self.maxMessageBytes)
            answer = try? JSONRPCMessage(parsing: bytes)
        }
        let era = Self.classify(status: status, answer: answer)
        self.logger.debug("Probed the server's era", metadata: ["status": "\(status)", "era": "\(era.era)"])
        return era
    }

    /// The era an answer to `server/discover` shows.
    static func classify(status: Int, answer: JSONRPCMessage?) -> ServerEra {
        switch answer {
        case .response(let response) where response.id == Self.requestID:
            // Modern for the bridge only if it names the revision the bridge speaks.
            let supported = response.result["supportedVersions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard supported.contains(MCPProtocolVersion.latest.rawValue) else { return .legacy }
            return .modern(discover: response.result)
        case .errorResponse(let error) where error.error.code == .unsupportedProtocolVersion:
            // A server refusing the revision the bridge speaks cannot be spoken to in it: try initialize.
            let supported = error.error.data?["supported"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return supported.contains(MCPProtocolVersion.latest.rawValue) ? .modern(discover: nil) : .legacy
        case .errorResponse(let error) where ModernWire.isModernError(error.error.code):
            // A header or capability complaint: the server read the request as 2026-07-28.
            return .modern(discover: nil)
        default:
            return .legacy
        }
    }

    /// The answer in an SSE response: the first `message` event that answers the probe.
    private func firstAnswer(in response: HTTPClientResponse) async throws -> JSONRPCMessage? {
        var parser = SSEParser(maxMessageBytes: self.maxMessageBytes)
        do {
            for try await chunk in response.body {
                for event in try parser.feed(chunk.readableBytesView) where event.event == "message" {
                    guard let message = try? JSONRPCMessage(parsing: event.data) else { continue }
                    switch message {
                    case .response(let answer) where answer.id == Self.requestID: return message
                    case .errorResponse(let answer) where answer.id == Self.requestID: return message
                    default: continue
                    }
                }
            }
        } catch is SSEParser.LimitExceeded {
            return nil
        }
        return nil
    }
}

extension HTTPClientResponse {
    /// The body up to `limit` bytes; empty when it is larger or broke.
    func errorBodyUpTo(_ limit: Int) async -> [UInt8] {
        guard let buffer = try? await self.body.collect(upTo: limit) else { return [] }
        return Array(buffer.readableBytesView)
    }
}
