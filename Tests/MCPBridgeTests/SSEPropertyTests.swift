import MCPBridgeCore
import PropertyBased
import Testing

/// An event stream made of random events, comments and line endings parses to those events wherever the chunks
/// are cut: at every split point of the stream.
@Suite("SSE framing at every split point (property-based)")
struct SSEPropertyTests {
    struct Event {
        var type: String?
        var id: String?
        var lines: [String]
    }

    /// Builds events and their wire form from random bytes.
    static func stream(from bytes: [UInt8]) -> (events: [Event], wire: [UInt8]) {
        var index = 0
        func next() -> Int {
            defer { index += 1 }
            return index < bytes.count ? Int(bytes[index]) : 0
        }
        let words = ["x", "{\"jsonrpc\":\"2.0\"}", "", " lead", "a:b", "é😀", "data: inner", ":", "id"]
        let endings = ["\n", "\r\n", "\r"]
        var events: [Event] = []
        var wire = ""
        for _ in 0..<(next() % 5 + 1) {
            let ending = endings[next() % endings.count]
            if next() % 3 == 0 { wire += ": keep-alive" + ending }
            var event = Event(type: nil, id: nil, lines: [])
            if next() % 2 == 0 {
                event.type = ["message", "update", "x-y"][next() % 3]
                wire += "event: \(event.type!)" + ending
            }
            if next() % 2 == 0 {
                event.id = "id-\(next())"
                wire += "id: \(event.id!)" + ending
            }
            for _ in 0..<(next() % 3 + 1) {
                let line = words[next() % words.count]
                event.lines.append(line)
                // "data:" with or without the optional space; a leading space of the value itself needs the space.
                wire += (line.hasPrefix(" ") || next() % 2 == 0 ? "data: " : "data:") + line + ending
            }
            wire += ending
            events.append(event)
        }
        return (events, Array(wire.utf8))
    }

    @Test func everySplitPointGivesTheSameEvents() async {
        await propertyCheck(count: 200, input: Gen<UInt8>.value(in: 0...255).array(of: 0...64)) { bytes in
            let (events, wire) = Self.stream(from: bytes)
            var lastID: String?
            let expected = events.map { event in
                if let id = event.id { lastID = id }
                return SSEEvent(
                    event: event.type ?? "message",
                    data: Array(event.lines.joined(separator: "\n").utf8),
                    id: lastID
                )
            }
            for split in 0...wire.count {
                var parser = SSEParser(maxMessageBytes: 1 << 16)
                var parsed = (try? parser.feed(wire[..<split])) ?? []
                parsed += (try? parser.feed(wire[split...])) ?? []
                #expect(parsed == expected, "split at \(split)")
                if parsed != expected { return }
            }
        }
    }
}
