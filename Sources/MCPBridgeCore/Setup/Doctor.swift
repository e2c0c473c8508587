import AsyncHTTPClient
import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// `mcp-bridge doctor`: checks each step between this machine and a working session, and says how to fix the
/// first one that fails.
public struct Doctor: Sendable {
    /// The outcome of one step.
    public struct Step: Sendable {
        public var name: String
        public var passed: Bool
        public var detail: String
        public var fix: String?
    }

    let context: BridgeContext

    public init(context: BridgeContext) {
        self.context = context
    }

    /// Runs the steps in order, reporting each through `report`, and stops at the first failure.
    /// Returns whether every step passed.
    public func run(report: @Sendable (Step) -> Void) async -> Bool {
        let url = self.context.settings.serverURL
        let host = url.host ?? ""
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        func pass(_ name: String, _ detail: String) { report(Step(name: name, passed: true, detail: detail)) }
        func fail(_ name: String, _ detail: String, _ fix: String) -> Bool {
            report(Step(name: name, passed: false, detail: detail, fix: fix))
            return false
        }

        // DNS
        let addresses = Self.resolve(host: host, port: port)
        guard !addresses.isEmpty else {
            return fail("DNS", "\(host) does not resolve", "check the host name, your network, or your VPN")
        }
        pass("DNS", "\(host) → \(addresses.prefix(3).joined(separator: ", "))")

        // TCP
        if let proxy = self.context.settings.network.proxy {
            pass("TCP", "through proxy \(proxy.host):\(proxy.port)")
        } else {
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(5))
                    .connect(host: host, port: port).get()
                try? await channel.close()
                pass("TCP", "connected to \(host):\(port)")
            } catch {
                return fail(
                    "TCP",
                    "cannot connect to \(host):\(port) (\(error))",
                    "is the server running, and does a firewall allow the port?"
                )
            }
        }

        // TLS and the endpoint
        let probe: (status: Int, challenge: BearerChallenge?)
        do {
            probe = try await ServerProbe.probe(self.context)
            if url.scheme == "https" { pass("TLS", "certificate accepted") }
        } catch let error as BridgeError {
            if case .unreachable(let detail) = error, detail.contains("TLS") {
                return fail("TLS", detail, "pass your organisation's CA certificate with --ca-file")
            }
            return fail(
                "/mcp reachable",
                "\(error)",
                "check the URL; it should be the MCP endpoint, usually ending in /mcp"
            )
        } catch {
            return fail("/mcp reachable", "\(error)", "check the URL")
        }
        switch probe.status {
        case 200, 202, 400, 401, 403, 405, 406:
            pass("/mcp reachable", "HTTP \(probe.status)")
        case 404:
            return fail(
                "/mcp reachable",
                "HTTP 404: nothing at \(url.path)",
                "the URL should be the MCP endpoint itself, usually ending in /mcp"
            )
        default:
            return fail("/mcp reachable", "HTTP \(probe.status)", "the server has a problem; check its logs")
        }

        // Discovery, registration, token
        if case .oauth(let provider) = self.context.authorizer, probe.status == 401 {
            do {
                let resource = try await self.context.oauth.protectedResourceMetadata(
                    for: url,
                    challenge: probe.challenge
                )
                let metadata = try await self.context.oauth.authorizationServerMetadata(
                    issuer: resource.authorizationServers[0]
                )
                pass("discovery", "authorization server \(metadata.issuer)")
            } catch {
                return fail(
                    "discovery",
                    "\(error)",
                    "the server must publish RFC 9728 and RFC 8414 metadata; see its docs"
                )
            }
            do {
                _ = try await provider.unauthorized(challenge: probe.challenge, sentToken: nil)
                let credentials = await provider.current
                pass("registration", "client \(credentials?.clientID ?? "?") (\(self.context.store.directory.path))")
                let expiry =
                    credentials?.tokenExpiresAt.map { "expires in \(Int($0.timeIntervalSinceNow)) s" }
                    ?? "no expiry given"
                pass("token", expiry)
            } catch {
                // A server that is not open for registration wants the operator's initial access token.
                let needsToken = "\(error)".contains("initial access token")
                return fail(
                    "registration and token",
                    "\(error)",
                    needsToken
                        ? "ask the server's operator for the initial access token and pass it with --registration-token-file FILE or MCP_BRIDGE_REGISTRATION_TOKEN"
                        : "run `mcp-bridge logout \(url.absoluteString)` and try again; if it persists the server refuses registration"
                )
            }
        } else if probe.status == 401 {
            return fail("authorization", "the server refuses the configured headers", "check the --header values")
        } else {
            pass("authorization", "not required")
        }

        // initialize and tools/list through the real transport
        let sink = CollectingSink()
        let connection = self.context.makeConnection(sink: sink)
        let sessionPassed = await Self.session(connection, sink: sink, pass: pass, fail: fail)
        // Ends the server session (DELETE) before the command exits.
        await connection.close()
        return sessionPassed
    }

    /// initialize, notifications/initialized and tools/list through `connection`.
    private static func session(
        _ connection: any ServerConnection,
        sink: CollectingSink,
        pass: (String, String) -> Void,
        fail: (String, String, String) -> Bool
    ) async -> Bool {
        do {
            let initialize: JSONValue = [
                "jsonrpc": "2.0", "id": "doctor-1", "method": "initialize",
                "params": [
                    "protocolVersion": .string(MCPProtocolVersion.latestLegacy.rawValue),
                    "capabilities": [:],
                    "clientInfo": ["name": "mcp-bridge doctor", "version": .string(RemoteMCP.version)],
                ],
            ]
            try await connection.send(try message(initialize), to: sink)
            guard let answer = sink.last, let result = answer["result"] else {
                return fail(
                    "initialize",
                    "error: \(sink.last?["error"]?.description ?? "no answer")",
                    "check the server logs"
                )
            }
            let server = result["serverInfo"]?["name"]?.stringValue ?? "?"
            pass("initialize", "\(server), protocol \(result["protocolVersion"]?.stringValue ?? "?")")
            try await connection.send(try message(["jsonrpc": "2.0", "method": "notifications/initialized"]), to: sink)
            try await connection.send(
                try message(["jsonrpc": "2.0", "id": "doctor-2", "method": "tools/list"]),
                to: sink
            )
            guard let tools = sink.last?["result"]?["tools"]?.arrayValue else {
                return fail(
                    "tools/list",
                    "error: \(sink.last?["error"]?.description ?? "no answer")",
                    "check the server logs"
                )
            }
            pass("tools/list", "\(tools.count) tool\(tools.count == 1 ? "" : "s")")
        } catch {
            return fail("initialize", "\(error)", "check the server logs")
        }
        return true
    }

    static func message(_ json: JSONValue) throws -> HostMessage {
        let bytes = json.serialized()
        return HostMessage(bytes: bytes, message: try JSONRPCMessage(json: json))
    }

    /// The addresses `host` resolves to, as text.
    static func resolve(host: String, port: Int) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                entry.pointee.ai_addr,
                entry.pointee.ai_addrlen,
                &buffer,
                socklen_t(buffer.count),
                nil,
                0,
                NI_NUMERICHOST
            ) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}

/// Keeps the messages a connection delivers (for commands that talk to the server themselves).
final class CollectingSink: ServerMessageSink {
    private let messages = NIOLockedValueBox<[JSONValue]>([])

    func deliver(_ bytes: [UInt8]) {
        if let value = try? JSONValue(parsing: bytes) { self.messages.withLockedValue { $0.append(value) } }
    }

    var last: JSONValue? { self.messages.withLockedValue { $0.last } }
}

/// An unauthenticated POST of a `ping`: shows whether the endpoint exists and whether it wants a token.
public enum ServerProbe {
    public static func probe(_ context: BridgeContext) async throws -> (status: Int, challenge: BearerChallenge?) {
        let request = RequestBuilder(userHeaders: context.settings.headers).request(
            .POST,
            context.settings.serverURL,
            token: nil,
            accept: "application/json, text/event-stream",
            body: Array(#"{"jsonrpc":"2.0","id":"mcp-bridge-probe","method":"ping"}"#.utf8)
        )
        let response = try await context.http.execute(request)
        await response.discardBody()
        return (Int(response.status.code), BearerChallenge(headerValues: response.headers["WWW-Authenticate"]))
    }
}
