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
/// Bytes arrive in arbitrary chunks; events of any size are assembled across them. Lines end with CRLF, LF or CR
/// (a CR at the end of one chunk and an LF at the start of the next are one line ending). Comment lines (`:`,
/// used as keep-alives) are skipped; an `id` or `retry` without data still updates the stream state.
public struct SSEParser: Sendable {
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

    public init() {}

    /// Parses `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if self.sawCR {
                self.sawCR = false
                if byte == 0x0A {
                    index = bytes.index(after: index)
                    continue
                }
            }
            if byte == 0x0A || byte == 0x0D {
                self.sawCR = byte == 0x0D
                if let event = self.endLine() { events.append(event) }
                index = bytes.index(after: index)
                continue
            }
            // Copy the run up to the next line ending in one go: events can be megabytes long.
            var end = bytes.index(after: index)
            while end != bytes.endIndex, bytes[end] != 0x0A, bytes[end] != 0x0D { end = bytes.index(after: end) }
            self.line.append(contentsOf: bytes[index..<end])
            index = end
        }
        return events
    }

    /// Call at end of stream: an event without its terminating blank line is discarded (as the spec says),
    /// but its `id` and `retry` still count.
    public mutating func finish() {
        if !self.line.isEmpty { _ = self.endLine() }
    }

    private mutating func endLine() -> SSEEvent? {
        var line = self.line
        self.line = []
        if !self.sawFirstLine {
            self.sawFirstLine = true
            // A UTF-8 byte order mark may open the stream.
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return self.dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == 0x20 { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            if self.hasData { self.data.append(0x0A) }
            self.data.append(contentsOf: value)
            self.hasData = true
        case "event":
            self.eventType = String(decoding: value, as: UTF8.self)
        case "id":
            // An id containing NUL is ignored (spec).
            if !value.contains(0) { self.lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let ms = Int(String(decoding: value, as: UTF8.self))
            {
                self.retry = ms
            }
        default:
            break
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
