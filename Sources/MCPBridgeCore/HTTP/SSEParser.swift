/// One Server-Sent Event.
public struct SSEEvent: Sendable, Hashable {
    /// The event type; `message` when the stream names none.
    public var event: String
    /// The data lines joined with `\n`.
    public var data: [UInt8]
    /// The event id, when the event set one.
    public var id: String?
    /// A reconnection delay in milliseconds, when the event set one.
    public var retry: Int?

    public init(event: String = "message", data: [UInt8], id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// An incremental parser for `text/event-stream` (WHATWG HTML, "Parsing an event stream").
///
/// Bytes arrive in arbitrary chunks; events are assembled across them. Lines end with CRLF, LF or CR (a CR at the
/// end of one chunk and an LF at the start of the next are one line ending). Comment lines (`:`, used as
/// keep-alives) are skipped; an `id` or `retry` without data still updates the stream state.
///
/// A line, and the data of one event, may each be at most `maxMessageBytes` long: a server that streams one
/// endless line, or data lines without the blank line that ends the event, would otherwise grow the bridge's
/// memory without bound (the read timeout restarts with every chunk, so it never fires). The limit is checked
/// before bytes are copied, so the parser never holds more than one line and one event of at most the limit.
public struct SSEParser: Sendable {
    /// Thrown by ``SSEParser/feed(_:)`` when a line or an event is longer than the limit. The stream cannot be
    /// resynchronised after that, so the caller abandons it; events completed earlier in the same chunk are
    /// dropped with it.
    public struct LimitExceeded: Error, Sendable, Hashable, CustomStringConvertible {
        /// What outgrew the limit.
        public enum Kind: Sendable, Hashable {
            /// One line, without a line ending within the limit.
            case line
            /// The data of one event, without the blank line that ends it within the limit.
            case event
        }

        public let kind: Kind
        /// The limit, in bytes.
        public let limit: Int

        public var description: String {
            switch self.kind {
            case .line: "a line of the server's event stream is longer than the message limit of \(self.limit) bytes"
            case .event: "an event of the server's event stream is larger than the message limit of \(self.limit) bytes"
            }
        }
    }

    /// The longest line, and the most data one event may carry, in bytes.
    public let maxMessageBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType = ""
    private var sawCR = false
    private var sawFirstLine = false
    /// The last event id the stream set (for `Last-Event-ID` on reconnection).
    public private(set) var lastEventID: String?
    /// The last `retry` the stream set, in milliseconds.
    public private(set) var retry: Int?

    /// A parser that refuses lines and events longer than `maxMessageBytes` (the bridge's message limit).
    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Parses `bytes` and returns the events they complete.
    ///
    /// - Throws: ``LimitExceeded`` when a line or an event outgrows ``maxMessageBytes``; the parser then holds
    ///   nothing of it.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(LimitExceeded) -> [SSEEvent] {
        // Scanned through a buffer pointer, not the generic collection: in a debug build (the tests') the generic
        // path cost over a microsecond per byte, so reaching an 8 MiB limit took seconds of CPU.
        let outcome = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(LimitExceeded) in try self.feed(buffer: buffer) }
        }
        if let outcome { return try outcome.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            Result { () throws(LimitExceeded) in try self.feed(buffer: buffer) }
        }.get()
    }

    private mutating func feed(buffer bytes: UnsafeBufferPointer<UInt8>) throws(LimitExceeded) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if self.sawCR {
                self.sawCR = false
                if byte == 0x0A {
                    index += 1
                    continue
                }
            }
            if byte == 0x0A || byte == 0x0D {
                self.sawCR = byte == 0x0D
                if let event = try self.endLine() { events.append(event) }
                index += 1
                continue
            }
            // Copy the run up to the next line ending in one go: events can be megabytes long.
            var end = index + 1
            while end < count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            // Checked before the copy, so an endless line costs at most the limit.
            guard end - index <= self.maxMessageBytes - self.line.count else { throw self.abandon(.line) }
            self.line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
            index = end
        }
        return events
    }

    /// Call at end of stream: an event without its terminating blank line is discarded (as the spec says),
    /// but its `id` and `retry` still count.
    public mutating func finish() {
        // The line is within the limit already; only data could outgrow it, and that data is discarded anyway.
        if !self.line.isEmpty { _ = try? self.endLine() }
        self.data = []
        self.hasData = false
    }

    /// Frees what the parser holds and returns the error to throw.
    private mutating func abandon(_ kind: LimitExceeded.Kind) -> LimitExceeded {
        self.line = []
        self.data = []
        self.hasData = false
        self.eventType = ""
        return LimitExceeded(kind: kind, limit: self.maxMessageBytes)
    }

    private mutating func endLine() throws(LimitExceeded) -> SSEEvent? {
        var line: [UInt8] = []
        swap(&line, &self.line)
        if !self.sawFirstLine {
            self.sawFirstLine = true
            // A UTF-8 byte order mark may open the stream.
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return self.dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        let field = line[..<(colon ?? line.endIndex)]
        if field.elementsEqual("data".utf8) {
            let added = line.count - valueStart + (self.hasData ? 1 : 0)
            guard added <= self.maxMessageBytes - self.data.count else { throw self.abandon(.event) }
            if self.hasData {
                self.data.append(0x0A)
                self.data.append(contentsOf: line[valueStart...])
            } else {
                // The first data line becomes the event's buffer in place: a one-line event of many megabytes
                // is held once, not twice.
                line.removeSubrange(..<valueStart)
                self.data = line
            }
            self.hasData = true
        } else if field.elementsEqual("event".utf8) {
            self.eventType = String(decoding: line[valueStart...], as: UTF8.self)
        } else if field.elementsEqual("id".utf8) {
            // An id containing NUL is ignored (spec).
            let value = line[valueStart...]
            if !value.contains(0) { self.lastEventID = String(decoding: value, as: UTF8.self) }
        } else if field.elementsEqual("retry".utf8) {
            let value = line[valueStart...]
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let ms = Int(String(decoding: value, as: UTF8.self))
            {
                self.retry = ms
            }
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            self.data = []
            self.hasData = false
            self.eventType = ""
        }
        // An event with no data is not dispatched (an id-only "priming" event just sets the last id).
        guard self.hasData else { return nil }
        return SSEEvent(
            event: self.eventType.isEmpty ? "message" : self.eventType,
            data: self.data,
            id: self.lastEventID,
            retry: self.retry
        )
    }
}
