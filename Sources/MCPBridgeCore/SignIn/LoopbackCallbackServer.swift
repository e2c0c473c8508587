import MCPWire
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
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

/// The bridge's end of a browser sign-in (RFC 8252 §7.3): an HTTP/1.1 listener on `127.0.0.1` that receives the
/// authorization server's redirect at `/callback` and hands its query to the caller's validator.
///
/// It answers `GET /callback` and, given an ``Entrance``, `GET` of the sign-in link's path (anything else is 404,
/// other methods 405), reads no body, caps what a request may send and how many connections are open at once, and
/// closes every connection after one answer. Each callback gets a ``CallbackPage`` saying whether the sign-in
/// worked, so the person knows they can close the tab.
///
/// ```swift
/// let listener = try await LoopbackCallbackServer.bind(port: CallbackPort.stable(for: serverURL))
/// let request = try AuthorizationRequest(..., redirectURI: listener.redirectURI, ...)
/// // open request.url in the browser
/// let code = try await listener.waitForCode(serverName: "mcp.example.com") { query in
///     AuthorizationCallback.validate(query: query, for: request)
/// }
/// await listener.close()
/// ```
public final class LoopbackCallbackServer: Sendable {
    /// The only address listened on: `localhost` may resolve to `::1` or elsewhere, an IP literal cannot.
    public static let host = "127.0.0.1"
    /// The path of the redirect URI.
    public static let callbackPath = "/callback"
    /// The most a client may send on one connection: a request head with a callback query
    /// (``AuthorizationCallback/maximumQueryBytes``) fits well within it.
    static let maximumRequestBytes = 16 * 1024
    /// How long a connection may take to send its request.
    static let requestTimeLimit: TimeAmount = .seconds(10)
    /// The most connections open at once: a browser opens a few; a local program opening thousands must not make
    /// the bridge hold thousands.
    static let maximumConnections = 32

    /// Where the person enters the sign-in (``SignInLink``): its path redirects to the authorization URL and sets
    /// the cookie, and from then on a callback without that cookie is refused (and the sign-in keeps waiting).
    public struct Entrance: Sendable {
        /// The link's path (`/sign-in/RANDOM`).
        public var path: String
        /// The authorization URL the link redirects to.
        public var destination: URL
        /// The cookie's value.
        public var cookie: String
        /// When the sign-in expires, and the cookie with it.
        public var expiresAt: Date

        /// The entrance of `link`, leading to `destination` until `expiresAt`.
        public init(link: SignInLink, destination: URL, expiresAt: Date) {
            self.path = link.path
            self.destination = destination
            self.cookie = link.cookie
            self.expiresAt = expiresAt
        }
    }

    /// The port listened on (the one asked for, or the one the system chose for port 0).
    public let port: Int
    private let channel: any Channel
    let inbox: CallbackInbox

    private init(port: Int, channel: any Channel, inbox: CallbackInbox) {
        self.port = port
        self.channel = channel
        self.inbox = inbox
    }

    /// The redirect URI that reaches this listener: `http://127.0.0.1:PORT/callback`.
    public var redirectURI: String { "http://\(Self.host):\(self.port)\(Self.callbackPath)" }

    /// Listens on `127.0.0.1:port` (`0` lets the system choose), with `entrance` when the person enters through a
    /// ``SignInLink``.
    ///
    /// `SO_REUSEADDR` is set (except on Windows, where it would let another program's listener be taken over), so
    /// the connections a killed bridge left in `TIME_WAIT` do not keep its successor off the port; a program that
    /// is listening there still does.
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` saying what holds the port back and how to choose another.
    public static func bind(port: Int, entrance: Entrance? = nil) async throws(BridgeError) -> LoopbackCallbackServer {
        try await Self.bind(port: port, entrance: entrance, requestTimeLimit: Self.requestTimeLimit)
    }

    /// ``bind(port:entrance:)`` with another limit on how long a connection may take to send its request (tests
    /// that hold idle connections open on a loaded machine).
    static func bind(
        port: Int,
        entrance: Entrance?,
        requestTimeLimit: TimeAmount
    ) async throws(BridgeError) -> LoopbackCallbackServer {
        guard (0...65535).contains(port) else {
            throw .configuration("the callback port \(port) is not between 1 and 65535; pass --callback-port")
        }
        let inbox = CallbackInbox()
        let connections = ConnectionSlots()
        let entered = EntranceUse()
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
        #if !os(Windows)
        bootstrap = bootstrap.serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        #endif
        bootstrap = bootstrap.childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                switch connections.admit(channel) {
                case .admitted: break
                case .admittedInPlaceOf(let idle):
                    // A connection that has sent no request yet gives way: whoever holds every slot open cannot
                    // keep the browser's callback out.
                    idle.close(promise: nil)
                case .refused:
                    // Every slot is answering a request: closed before anything is read.
                    channel.close(promise: nil)
                    return
                }
                channel.closeFuture.whenComplete { _ in connections.release(channel) }
                try channel.pipeline.syncOperations.addHandler(RequestLimit())
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                try channel.pipeline.syncOperations.addHandler(
                    CallbackHandler(
                        inbox: inbox,
                        entrance: entrance,
                        entered: entered,
                        slots: connections,
                        timeLimit: requestTimeLimit
                    )
                )
            }
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: Self.host, port: port).get()
        } catch {
            throw Self.describeBindFailure(error, port: port)
        }
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw .configuration("listening on \(Self.host):\(port) failed: no local address")
        }
        return LoopbackCallbackServer(port: bound, channel: channel, inbox: inbox)
    }

    /// Waits for the callback that `validate` accepts and returns its code.
    ///
    /// Every callback (including those that arrived before this call) goes to `validate`, which runs on an event
    /// loop under a lock: it must be quick and must not call back into this listener. ``AuthorizationCallback/
    /// Outcome/notThisFlow`` answers that tab with an out-of-date page and the wait goes on;
    /// ``AuthorizationCallback/Outcome/code(_:)`` ends it with the code, ``AuthorizationCallback/Outcome/failed(_:)``
    /// with that error. `serverName`, when given, is named on the page.
    ///
    /// - Throws: the error of a failed callback, `CancellationError` when the calling task is cancelled, or
    ///   ``BridgeError/authorization(_:)`` when the listener is closed.
    public func waitForCode(
        serverName: String? = nil,
        _ validate: @escaping @Sendable (String) -> AuthorizationCallback.Outcome
    ) async throws -> String {
        try await self.inbox.wait(serverName: serverName, validate)
    }

    /// Stops listening, ends a wait, and answers the callbacks still held. Connections still sending a request
    /// are closed by their time limit.
    public func close() async {
        self.inbox.close()
        try? await self.channel.close()
    }

    static func describeBindFailure(_ error: any Error, port: Int) -> BridgeError {
        let code = (error as? IOError)?.errnoCode
        if code == EADDRINUSE {
            return .configuration(
                "port \(port) on \(Self.host) is in use by another program; free it or pass --callback-port"
            )
        }
        if code == EACCES {
            return .configuration(
                "port \(port) on \(Self.host) may not be used (permission denied: ports below 1024 need privileges, and Windows reserves some ranges, see `netsh interface ipv4 show excludedportrange protocol=tcp`); pass --callback-port"
            )
        }
        return .configuration(
            "cannot listen on \(Self.host):\(port) for the sign-in callback (\(error)); pass --callback-port"
        )
    }
}

/// Caps the bytes one connection may send: past ``LoopbackCallbackServer/maximumRequestBytes`` it answers 431,
/// stops reading, and closes its side. Sits before the HTTP decoder, so the cap holds whatever the request is.
private final class RequestLimit: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var received = 0
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.refused else { return }
        let buffer = self.unwrapInboundIn(data)
        self.received += buffer.readableBytes
        guard self.received > LoopbackCallbackServer.maximumRequestBytes else {
            context.fireChannelRead(data)
            return
        }
        self.refused = true
        let answer =
            "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        // Half-closed, not closed: closing with unread bytes would reset the connection and lose the answer.
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        context.close(mode: .output, promise: nil)
    }
}

/// The listener's open connections in the order they came, shared by its event loops.
private final class ConnectionSlots: Sendable {
    enum Admission {
        case admitted
        /// Admitted; the oldest connection that had sent no request must be closed to make room.
        case admittedInPlaceOf(any Channel)
        /// Every slot is answering a request.
        case refused
    }

    private struct Slot {
        var channel: any Channel
        var requestReceived: Bool
    }

    private let slots = NIOLockedValueBox<[Slot]>([])

    /// Takes a slot for `channel`, freeing the oldest idle one when all ``LoopbackCallbackServer/
    /// maximumConnections`` are taken.
    func admit(_ channel: any Channel) -> Admission {
        self.slots.withLockedValue { slots in
            var evicted: (any Channel)?
            if slots.count >= LoopbackCallbackServer.maximumConnections {
                guard let oldestIdle = slots.firstIndex(where: { !$0.requestReceived }) else { return .refused }
                evicted = slots.remove(at: oldestIdle).channel
            }
            slots.append(Slot(channel: channel, requestReceived: false))
            return evicted.map { .admittedInPlaceOf($0) } ?? .admitted
        }
    }

    /// Marks `channel` as answering a request, so it keeps its slot until it closes; `false` when it was already
    /// given up for a newer connection (its close is on the way, and its request must not be acted on).
    func requestReceived(on channel: any Channel) -> Bool {
        self.slots.withLockedValue { slots in
            guard let index = slots.firstIndex(where: { $0.channel === channel }) else { return false }
            slots[index].requestReceived = true
            return true
        }
    }

    func release(_ channel: any Channel) {
        self.slots.withLockedValue { $0.removeAll { $0.channel === channel } }
    }
}

/// Whether the sign-in link was opened already: it lets one browser in (and that browser again, by its cookie),
/// so someone else who learns the link (another user reading a process list, a model with a browser tool) is
/// refused once the person has opened it, and the person sees the refusal if they were first.
private final class EntranceUse: Sendable {
    private let used = NIOLockedValueBox(false)

    /// `true` the first time only.
    func enter() -> Bool {
        self.used.withLockedValue { used in
            defer { used = true }
            return !used
        }
    }
}

/// Answers one request per connection: the entrance redirects, the callback query goes to the inbox, everything
/// else is refused.
private final class CallbackHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let inbox: CallbackInbox
    let entrance: LoopbackCallbackServer.Entrance?
    let entered: EntranceUse
    let slots: ConnectionSlots
    let requestTimeLimit: TimeAmount
    private var head: HTTPRequestHead?
    private var hasBody = false
    private var answered = false
    private var timeLimit: Scheduled<Void>?

    init(
        inbox: CallbackInbox,
        entrance: LoopbackCallbackServer.Entrance?,
        entered: EntranceUse,
        slots: ConnectionSlots,
        timeLimit: TimeAmount
    ) {
        self.inbox = inbox
        self.entrance = entrance
        self.entered = entered
        self.slots = slots
        self.requestTimeLimit = timeLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.timeLimit = context.eventLoop.assumeIsolated().scheduleTask(
            in: self.requestTimeLimit
        ) {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.timeLimit?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            self.hasBody = true
        case .end:
            guard !self.answered, let head = self.head else { return }
            self.answered = true
            self.timeLimit?.cancel()
            guard self.slots.requestReceived(on: context.channel) else {
                context.close(promise: nil)
                return
            }
            self.handle(head, context: context)
        }
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let target = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(target[0])
        let query = target.count > 1 ? String(target[1]) : ""
        guard head.method == .GET else { return self.respond(.methodNotAllowed, context: context) }
        guard !self.hasBody, head.headers["content-length"].allSatisfy({ $0 == "0" }),
            head.headers["transfer-encoding"].isEmpty
        else { return self.respond(.bodyNotAllowed, context: context) }
        guard Self.isLocalHost(head.headers.first(name: "host"), port: context.channel.localAddress?.port) else {
            return self.respond(.wrongHost, context: context)
        }
        let port = context.channel.localAddress?.port ?? 0
        if let entrance = self.entrance, path == entrance.path {
            guard Self.carriesCookie(head.headers, entrance, port: port) || self.entered.enter() else {
                return self.respond(.linkUsed, context: context)
            }
            return self.respond(.enter(entrance, port: port), context: context)
        }
        guard path == LoopbackCallbackServer.callbackPath else { return self.respond(.notFound, context: context) }
        if let entrance = self.entrance, !Self.carriesCookie(head.headers, entrance, port: port) {
            // Not judged at all: the sign-in keeps waiting for the browser the person opened the link in.
            return self.respond(.otherBrowser, context: context)
        }
        self.inbox.deliver(query: query, on: context.eventLoop).assumeIsolated().whenSuccess { page in
            self.respond(page, context: context)
        }
    }

    /// Whether the request carries the entrance's cookie (compared in constant time).
    static func carriesCookie(
        _ headers: HTTPHeaders,
        _ entrance: LoopbackCallbackServer.Entrance,
        port: Int
    ) -> Bool {
        let name = SignInLink.cookieName(port: port)
        var found = false
        for header in headers["cookie"] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].trimmingOWS() == name else { continue }
                let value = parts[1].trimmingOWS()
                if AuthorizationCallback.constantTimeEqual(value, entrance.cookie) { found = true }
            }
        }
        return found
    }

    /// Whether the `Host` header names this listener: a page whose name was rebound to 127.0.0.1 (DNS
    /// rebinding) sends its own name, and gets nothing.
    static func isLocalHost(_ host: String?, port: Int?) -> Bool {
        guard let host = host?.lowercased(), let port else { return false }
        return host == "127.0.0.1:\(port)" || host == "localhost:\(port)"
    }

    private func respond(_ page: CallbackPage, context: ChannelHandlerContext) {
        let head = HTTPResponseHead(version: .http1_1, status: page.status, headers: page.headers)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: page.html)))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
