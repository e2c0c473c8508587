// JSON scanner: anything parses or fails cleanly; what parses survives a serialize/parse round trip unchanged.
import MCPWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue(parsing: bytes) else { return 0 }
    let text = value.serialized()
    guard let again = try? JSONValue(parsing: text) else { fatalError("serialized JSON does not parse: \(text)") }
    precondition(again == value, "round trip changed the value")
    precondition(again.serialized() == text, "serializing is not stable")
    return 0
}
