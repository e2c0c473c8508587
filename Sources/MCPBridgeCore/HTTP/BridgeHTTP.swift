public import AsyncHTTPClient
public import Logging
import MCPWire
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

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

/// The one HTTP client a bridge uses (connections pooled and reused), with the bridge's failure policy:
/// connection failures are retried with backoff for a bounded window (nothing was sent, so nothing can be
/// duplicated); anything after the request left is reported, never retried blindly.
public final class BridgeHTTP: Sendable {
    public let client: HTTPClient
    public let settings: NetworkSettings
    let logger: Logger

    /// The `User-Agent` of every request the bridge sends.
    public static let userAgent = "mcp-bridge/\(RemoteMCP.version)"

    public init(settings: NetworkSettings, logger: Logger) throws(BridgeError) {
        self.settings = settings
        self.logger = logger
        self.client = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: try settings.clientConfiguration()
        )
    }

    /// Closes pooled connections.
    public func shutdown() async {
        try? await self.client.shutdown()
    }

    /// Sends `request` and returns the response head (the body still streaming).
    ///
    /// - Throws: ``BridgeError/unreachable(_:)`` when no connection could be made within the retry window,
    ///   ``BridgeError/timeout(_:)`` when the server sent no answer within the timeout, and
    ///   ``BridgeError/connectionLost(_:)`` when the connection broke after the request was sent.
    public func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let started = NIODeadline.now()
        var delay = TimeAmount.milliseconds(50)
        while true {
            do {
                return try await self.client.execute(request, timeout: self.settings.timeout, logger: nil)
            } catch {
                try Task.checkCancellation()
                let classified = Self.classify(error, url: request.url)
                // Only failures to connect are retried (nothing was sent); a TLS failure will not heal by itself.
                guard Self.isConnectFailure(error),
                    NIODeadline.now() + delay - started < self.settings.connectRetryWindow
                else { throw classified }
                self.logger.debug(
                    "Connecting failed; retrying",
                    metadata: ["error": "\(error)", "delay_ms": "\(delay.nanoseconds / 1_000_000)"]
                )
                // Jitter keeps several bridges from retrying in lockstep against a restarting server.
                let jittered = Int64(Double(delay.nanoseconds) * Double.random(in: 0.8...1.2))
                try await Task.sleep(nanoseconds: UInt64(jittered))
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    /// Opens a stream the server keeps open (the GET stream of server messages): unlike ``execute(_:)``, no
    /// deadline for the response head, since a server may hold it until it has something to send, and no
    /// connection retries, since the caller reopens the stream on its own schedule.
    public func openStream(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await self.client.execute(request, deadline: .distantFuture, logger: nil)
        } catch {
            throw Self.classify(error, url: request.url)
        }
    }

    /// Collects a response body up to `limit` bytes.
    public func collect(_ response: HTTPClientResponse, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await response.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as NIOTooManyBytesError {
            throw BridgeError.protocolViolation("the answer is larger than \(limit) bytes (\(error))")
        } catch {
            throw Self.classify(error, url: "")
        }
    }

    /// Maps a transport failure onto what it means for the request.
    static func classify(_ error: any Error, url: String) -> BridgeError {
        if let error = error as? BridgeError { return error }
        if error is CancellationError { return .shuttingDown }
        let text = "\(error)"
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return .unreachable("connecting to \(url) timed out")
            case .deadlineExceeded, .readTimeout: return .timeout("no answer from the server")
            case .remoteConnectionClosed: return .connectionLost("the server closed the connection")
            case .cancelled: return .shuttingDown
            case .invalidURL, .emptyHost, .emptyScheme: return .configuration("bad URL \(url)")
            case .proxyAuthenticationRequired:
                return .unreachable("the proxy needs credentials (put them in HTTPS_PROXY)")
            case .invalidProxyResponse: return .unreachable("the proxy refused the connection")
            default: return .connectionLost(text)
            }
        }
        if error is NIOConnectionError || error is ChannelError {
            if case ChannelError.ioOnClosedChannel = error { return .connectionLost("the connection closed") }
            return .unreachable(Self.describeConnectFailure(error))
        }
        if error is NIOSSLError || error is BoringSSLError {
            return .unreachable("TLS failed (\(text)). Behind a TLS-inspecting proxy, pass its CA with --ca-file")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ECONNABORTED:
                return .unreachable(Self.describeConnectFailure(error))
            default: return .connectionLost(text)
            }
        }
        return .connectionLost(text)
    }

    /// Whether `error` means no connection was made (refused, unreachable, DNS), so retrying cannot duplicate
    /// a request.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError { return error == .connectTimeout }
        if error is NIOConnectionError { return true }
        if case ChannelError.connectTimeout = error { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ECONNABORTED].contains(error.errnoCode)
        }
        return false
    }

    private static func describeConnectFailure(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if error.dnsAAAAError != nil || error.dnsAError != nil, error.connectionErrors.isEmpty {
                return "could not resolve \(error.host)"
            }
            if let first = error.connectionErrors.first {
                return "could not connect to \(error.host):\(error.port) (\(first.error))"
            }
        }
        return "\(error)"
    }
}
