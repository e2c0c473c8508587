// D-Bus messages (with Sources/MCPBridgeCore/Secrets/DBus/*, the Secret Service client's unmarshaller): any bytes
// give a message or a DBusFailure, never a trap; a message that parses survives re-encoding, and so do its
// arguments.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDBus(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let cap = 1 << 16
    guard let length = try? DBusMessage.frameLength(of: bytes, maxBytes: cap), length <= bytes.count,
        let message = try? DBusMessage(decoding: Array(bytes[..<length]), maxBytes: cap)
    else { return 0 }
    // Re-encoding keeps the known header fields and the body's bytes as they were.
    let again = try? DBusMessage(decoding: message.encoded(), maxBytes: cap)
    precondition(again == message, "a parsed message does not survive re-encoding")
    if let arguments = try? message.arguments() {
        var rewritten = message
        rewritten.setBody(arguments, bigEndian: message.bigEndian)
        precondition((try? rewritten.arguments()) == arguments, "arguments do not survive re-encoding")
    }
    return 0
}
