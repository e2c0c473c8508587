#if os(Linux)
/// A connection to the session bus: method calls with serials, replies matched by `reply_serial`, D-Bus errors
/// thrown with their names, and signals dropped unless someone watches for them (``watch(_:)``).
///
/// It blocks: its owner runs it on NIO's blocking-I/O pool, one call at a time under a lock (``SecretServiceStore``).
/// Each call has a deadline, so a hung daemon costs that long and no more.
struct DBusConnection: Sendable {
    private var socket: DBusSocket
    private var nextSerial: UInt32 = 1
    /// The name the bus gave this connection (`:1.42`).
    private(set) var uniqueName = ""
    /// How long a method call may wait for its reply.
    let callTimeout: Duration
    private var watched: [DBusSignalMatch] = []
    /// Watched signals that came while a reply was awaited; a few at most, the oldest dropped.
    private var received: [DBusMessage] = []

    static let bus = "org.freedesktop.DBus"
    static let busPath = "/org/freedesktop/DBus"

    /// Connects, authenticates and says `Hello`.
    static func open(_ address: DBusAddress, callTimeout: Duration) throws(DBusFailure) -> DBusConnection {
        let socket = try DBusSocket.connected(to: address, deadline: .now + callTimeout)
        var connection = DBusConnection(socket: socket, callTimeout: callTimeout)
        do {
            let hello = try connection.call(Self.bus, Self.busPath, Self.bus, "Hello")
            connection.uniqueName = hello.first?.string ?? ""
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    private init(socket: DBusSocket, callTimeout: Duration) {
        self.socket = socket
        self.callTimeout = callTimeout
    }

    func close() {
        self.socket.shutDown()
    }

    /// Calls `interface.member` on `path` at `destination` and returns the reply's arguments.
    ///
    /// - Throws: ``DBusFailure/remote(name:message:)`` when the peer answers with an error,
    ///   ``DBusFailure/timeout(_:)`` when it does not answer within ``callTimeout``.
    @discardableResult
    mutating func call(
        _ destination: String,
        _ path: String,
        _ interface: String,
        _ member: String,
        _ arguments: [DBusValue] = []
    ) throws(DBusFailure) -> [DBusValue] {
        var message = DBusMessage.methodCall(
            destination: destination,
            path: path,
            interface: interface,
            member: member,
            arguments: arguments
        )
        message.serial = self.nextSerial
        self.nextSerial = self.nextSerial == UInt32.max ? 1 : self.nextSerial + 1
        let deadline = ContinuousClock.now + self.callTimeout
        try self.socket.transmit(message.encoded(), deadline: deadline)
        while true {
            let incoming: DBusMessage
            do {
                incoming = try self.socket.nextMessage(deadline: deadline)
            } catch .timeout {
                throw .timeout("\(destination) did not answer \(member) within \(self.callTimeout)")
            }
            switch incoming.kind {
            case .methodReturn where incoming.replySerial == message.serial:
                return try incoming.arguments()
            case .error where incoming.replySerial == message.serial:
                let text = (try? incoming.arguments())?.first?.string ?? ""
                throw .remote(name: incoming.errorName ?? "", message: text)
            case .signal where self.watched.contains { $0.matches(incoming) }:
                self.received.append(incoming)
                if self.received.count > 8 { self.received.removeFirst() }
            default:
                // Replies to calls that timed out, signals nobody watches, calls to us: none is for this call.
                continue
            }
        }
    }

    /// Asks the bus to route signals matching `match` here, and keeps them until ``nextSignal(_:timeout:)``.
    mutating func watch(_ match: DBusSignalMatch) throws(DBusFailure) {
        try self.call(Self.bus, Self.busPath, Self.bus, "AddMatch", [.string(match.rule)])
        self.watched.append(match)
    }

    /// Stops watching for `match`.
    mutating func unwatch(_ match: DBusSignalMatch) {
        self.watched.removeAll { $0 == match }
        self.received.removeAll { match.matches($0) }
        _ = try? self.call(Self.bus, Self.busPath, Self.bus, "RemoveMatch", [.string(match.rule)])
    }

    /// The arguments of the next signal matching `match` (watched beforehand), within `timeout`.
    mutating func nextSignal(_ match: DBusSignalMatch, timeout: Duration) throws(DBusFailure) -> [DBusValue] {
        if let index = self.received.firstIndex(where: { match.matches($0) }) {
            return try self.received.remove(at: index).arguments()
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let incoming: DBusMessage
            do {
                incoming = try self.socket.nextMessage(deadline: deadline)
            } catch .timeout {
                throw .timeout("no \(match.member) signal from \(match.path ?? match.interface) within \(timeout)")
            }
            if incoming.kind == .signal && match.matches(incoming) { return try incoming.arguments() }
        }
    }
}

/// Which signals a connection wants: the bus's match rule and the same test applied to what arrives.
struct DBusSignalMatch: Equatable, Sendable {
    var path: String?
    var interface: String
    var member: String
    /// The first argument, when it is a string (`NameOwnerChanged`'s bus name).
    var firstArgument: String?
    /// The unique name (`:1.42`) of the only connection whose signals count: any program on the bus may emit a
    /// signal with any path, so one that answers for a service is matched on that service's owner.
    var sender: String?

    /// The rule for `AddMatch`. The values are object paths and D-Bus names, which cannot contain quotes.
    var rule: String {
        var parts = ["type='signal'", "interface='\(self.interface)'", "member='\(self.member)'"]
        if let path = self.path { parts.append("path='\(path)'") }
        if let firstArgument = self.firstArgument { parts.append("arg0='\(firstArgument)'") }
        if let sender = self.sender { parts.append("sender='\(sender)'") }
        return parts.joined(separator: ",")
    }

    func matches(_ message: DBusMessage) -> Bool {
        guard message.kind == .signal, message.interface == self.interface, message.member == self.member,
            self.path == nil || message.path == self.path, self.sender == nil || message.sender == self.sender
        else { return false }
        guard let firstArgument = self.firstArgument else { return true }
        return (try? message.arguments())?.first?.string == firstArgument
    }
}
#endif
