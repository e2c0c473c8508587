// SSE parser (with Sources/MCPBridgeCore/HTTP/SSEParser.swift): the first byte picks how the rest is cut into
// chunks; the events, and whether the limit is hit, must not depend on where chunks end.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let step = Int(data[0]) + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let limit = 512
    var whole = SSEParser(maxMessageBytes: limit)
    let wholeEvents = try? whole.feed(bytes)
    var pieces = SSEParser(maxMessageBytes: limit)
    var pieceEvents: [SSEEvent]? = []
    var start = 0
    while start < bytes.count {
        let end = min(start + step, bytes.count)
        do {
            pieceEvents?.append(contentsOf: try pieces.feed(bytes[start..<end]))
        } catch {
            pieceEvents = nil
            break
        }
        start = end
    }
    // The parser hands back what a chunk completed, then throws for a later chunk: compare only clean runs.
    if let wholeEvents, let pieceEvents {
        precondition(wholeEvents == pieceEvents, "events depend on chunk boundaries")
        precondition(whole.lastEventID == pieces.lastEventID && whole.retry == pieces.retry, "state depends on chunks")
    } else {
        precondition((wholeEvents == nil) == (pieceEvents == nil), "the limit depends on chunk boundaries")
    }
    return 0
}
