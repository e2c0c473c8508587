#if os(Linux)
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// A blocking Unix-socket connection to a D-Bus daemon: connect, SASL `EXTERNAL`, whole messages in and out.
///
/// Every step waits in poll(2) for at most what is left of its deadline, so a daemon that stops answering costs
/// a bounded wait, never a hung bridge. It runs only on NIO's blocking-I/O pool, never on the cooperative pool.
struct DBusSocket: Sendable {
    private let fd: Int32
    /// Bytes read but not yet parsed: never more than one capped message plus one read.
    private var buffer: [UInt8] = []
    let maxMessageBytes: Int

    private init(fd: Int32, maxMessageBytes: Int) {
        self.fd = fd
        self.maxMessageBytes = maxMessageBytes
    }

    /// Connects to `address` and authenticates as this process's user.
    static func connected(
        to address: DBusAddress,
        deadline: ContinuousClock.Instant,
        maxMessageBytes: Int = DBusMessage.maxBytes
    ) throws(DBusFailure) -> DBusSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .transport("cannot create a Unix socket: \(Self.errorText())") }
        // Non-blocking, so that poll(2) and the deadline decide how long anything waits.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var socket = DBusSocket(fd: fd, maxMessageBytes: maxMessageBytes)
        do {
            try socket.connect(address, deadline: deadline)
            try socket.authenticate(deadline: deadline)
        } catch {
            socket.shutDown()
            throw error
        }
        return socket
    }

    /// Closes the socket.
    func shutDown() {
        close(self.fd)
    }

    /// Sends `bytes` whole.
    mutating func transmit(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(DBusFailure) {
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a bus that went away is an error here, not a SIGPIPE that ends the bridge.
            let count = bytes[sent...].withUnsafeBytes { send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count >= 0 {
                sent += count
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try self.wait(for: Int16(POLLOUT), deadline: deadline, doing: "sending to the session bus")
            } else if errno != EINTR {
                throw .transport("the session bus connection failed: \(Self.errorText())")
            }
        }
    }

    /// The next whole message.
    mutating func nextMessage(deadline: ContinuousClock.Instant) throws(DBusFailure) -> DBusMessage {
        while true {
            if let length = try DBusMessage.frameLength(of: self.buffer, maxBytes: self.maxMessageBytes),
                self.buffer.count >= length
            {
                let message = try DBusMessage(decoding: Array(self.buffer[..<length]), maxBytes: self.maxMessageBytes)
                self.buffer.removeFirst(length)
                return message
            }
            try self.receive(deadline: deadline, doing: "waiting for the session bus")
        }
    }

    // MARK: Connecting

    private func connect(_ address: DBusAddress, deadline: ContinuousClock.Instant) throws(DBusFailure) {
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let name: [UInt8]
        let described: String
        switch address {
        case .path(let path):
            name = Array(path.utf8) + [0]
            described = path
        case .abstract(let abstract):
            // Linux's abstract namespace: a leading NUL, and the length says where the name ends.
            name = [0] + Array(abstract.utf8)
            described = "@" + abstract
        }
        guard name.count <= MemoryLayout.size(ofValue: socketAddress.sun_path) else {
            throw .transport("the session bus socket name \(described) is too long")
        }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + name.count)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(self.fd, $0, length) }
        }
        guard result != 0 else { return }
        guard errno == EINPROGRESS || errno == EINTR else {
            throw .transport("cannot connect to the session bus at \(described): \(Self.errorText())")
        }
        try self.wait(for: Int16(POLLOUT), deadline: deadline, doing: "connecting to the session bus")
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(self.fd, SOL_SOCKET, SO_ERROR, &failure, &size) == 0, failure == 0 else {
            throw .transport("cannot connect to the session bus at \(described): \(String(cString: strerror(failure)))")
        }
    }

    /// SASL `EXTERNAL`: the bus learns who we are from the socket's peer credentials; we name the same uid.
    private mutating func authenticate(deadline: ContinuousClock.Instant) throws(DBusFailure) {
        let uid = Array(String(getuid()).utf8).map { String($0, radix: 16) }.joined()
        try self.transmit([0] + Array("AUTH EXTERNAL \(uid)\r\n".utf8), deadline: deadline)
        let answer = try self.line(deadline: deadline)
        guard answer.hasPrefix("OK ") else {
            throw .transport("the session bus refused EXTERNAL authentication (it answered \"\(answer.prefix(80))\")")
        }
        try self.transmit(Array("BEGIN\r\n".utf8), deadline: deadline)
    }

    /// One `\r\n`-terminated line of the authentication exchange (capped: the bus's lines are short).
    private mutating func line(deadline: ContinuousClock.Instant) throws(DBusFailure) -> String {
        while true {
            if let end = self.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: self.buffer[..<end], as: UTF8.self)
                self.buffer.removeFirst(end + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard self.buffer.count < 4096 else { throw .transport("the session bus sent an overlong SASL line") }
            try self.receive(deadline: deadline, doing: "authenticating with the session bus")
        }
    }

    // MARK: Waiting

    /// Reads what is there into the buffer, waiting for it until `deadline`.
    private mutating func receive(deadline: ContinuousClock.Instant, doing what: String) throws(DBusFailure) {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                self.buffer += chunk[..<count]
                return
            }
            if count == 0 { throw .transport("the session bus closed the connection") }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try self.wait(for: Int16(POLLIN), deadline: deadline, doing: what)
            } else if errno != EINTR {
                throw .transport("reading from the session bus failed: \(Self.errorText())")
            }
        }
    }

    private func wait(for events: Int16, deadline: ContinuousClock.Instant, doing what: String) throws(DBusFailure) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw .timeout("no answer while \(what)") }
            let milliseconds = Int32(clamping: Int((left / .milliseconds(1)).rounded(.up)))
            var request = pollfd(fd: self.fd, events: events, revents: 0)
            let ready = poll(&request, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw .transport("waiting on the session bus failed: \(Self.errorText())")
            }
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
#endif
