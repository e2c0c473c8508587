// JSON-RPC classification: every line is a request, a notification, a response, an error or a clear refusal;
// a classified message classifies the same from its own JSON.
import MCPWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONRPC(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? JSONRPCMessage(parsing: bytes) else { return 0 }
    let again = try? JSONRPCMessage(json: message.json)
    precondition(again == message, "a classified message does not classify the same from its JSON")
    return 0
}
