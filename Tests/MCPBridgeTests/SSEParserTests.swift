import MCPBridgeCore
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    @Test("events split across chunks at every byte")
    func everySplit() {
        let stream = Array("id: 7\nevent: message\ndata: {\"a\":\ndata: 1}\n\n: keep-alive\n\ndata: two\r\n\r\n".utf8)
        for split in 0...stream.count {
            var parser = SSEParser()
            var events = parser.feed(stream[..<split])
            events += parser.feed(stream[split...])
            #expect(events.count == 2, "split at \(split)")
            #expect(events.first?.data == Array("{\"a\":\n1}".utf8))
            #expect(events.first?.id == "7")
            #expect(events.last?.data == Array("two".utf8))
        }
    }
}
