import Testing

@testable import MCPBridgeCore

/// Issue 10, defect 3: a line, and the data of one event, stop at the message limit.
@Suite("SSE parser limits")
struct SSEParserLimitTests {
    let limit = 1024

    /// Feeds `stream` in chunks of `size` until the parser throws; returns the error and how many bytes it took.
    func feed(_ stream: [UInt8], chunksOf size: Int) -> (error: SSEParser.LimitExceeded?, consumed: Int) {
        var parser = SSEParser(maxMessageBytes: self.limit)
        var consumed = 0
        while consumed < stream.count {
            let end = min(consumed + size, stream.count)
            do {
                _ = try parser.feed(stream[consumed..<end])
            } catch {
                return (error, end)
            }
            consumed = end
        }
        return (nil, consumed)
    }

    @Test("a line longer than the limit is refused as soon as it crosses it, however it is chunked")
    func longLine() {
        let endless = Array("data: ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4 * self.limit)
        let comment = Array(": ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4 * self.limit)
        for stream in [endless, comment] {
            for size in [1, 7, 100, 5000] {
                let (error, consumed) = self.feed(stream, chunksOf: size)
                #expect(error == SSEParser.LimitExceeded(kind: .line, limit: self.limit), "chunks of \(size)")
                // The line crossed the limit at byte limit + 1: the parser stopped within that chunk.
                #expect(consumed <= self.limit + size, "chunks of \(size)")
            }
        }
    }

    @Test("an event of many short lines without the blank line that ends it is refused at the limit")
    func endlessEvent() {
        // Each line adds 10 bytes of data plus the newline that joins it to the one before.
        let stream = (0..<1000).flatMap { _ in Array("data: 0123456789\n".utf8) }
        for size in [1, 17, 4096, stream.count] {
            let (error, consumed) = self.feed(stream, chunksOf: size)
            #expect(error == SSEParser.LimitExceeded(kind: .event, limit: self.limit), "chunks of \(size)")
            // 93 lines make 1022 bytes of data; the 94th, which ends at byte 94 × 17, crosses the limit.
            #expect(consumed <= 94 * 17 + size, "chunks of \(size)")
        }
    }

    @Test("a line and an event of exactly the limit are accepted; one byte more is refused")
    func exactLimit() throws {
        // One line of exactly `limit` bytes.
        let value = [UInt8](repeating: UInt8(ascii: "y"), count: self.limit - "data: ".utf8.count)
        var parser = SSEParser(maxMessageBytes: self.limit)
        let events = try parser.feed(Array("data: ".utf8) + value + Array("\n\n".utf8))
        #expect(events.map(\.data) == [value])
        let over = Array("data: ".utf8) + value + Array("y\n\n".utf8)
        #expect(self.feed(over, chunksOf: over.count).error == SSEParser.LimitExceeded(kind: .line, limit: self.limit))

        // An event of 93 lines (1022 bytes of data) and a last line that brings it to exactly `limit`.
        let lines = (0..<93).flatMap { _ in Array("data: 0123456789\n".utf8) }
        var exact = SSEParser(maxMessageBytes: self.limit)
        let event = try exact.feed(lines + Array("data: x\n\n".utf8))
        #expect(event.first?.data.count == self.limit)
        let oneMore = lines + Array("data: xx\n\n".utf8)
        #expect(
            self.feed(oneMore, chunksOf: oneMore.count).error
                == SSEParser.LimitExceeded(kind: .event, limit: self.limit)
        )
    }

    @Test("the error names the limit")
    func namesTheLimit() {
        #expect("\(SSEParser.LimitExceeded(kind: .line, limit: 5))".contains("message limit of 5 bytes"))
        #expect("\(SSEParser.LimitExceeded(kind: .event, limit: 5))".contains("message limit of 5 bytes"))
    }
}
