// WWW-Authenticate (with Sources/MCPBridgeCore/Auth/BearerChallenge.swift) and MCP header values: the parser
// finds a challenge or none without trapping; header value encoding round-trips any text.
import MCPWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    let values = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let challenge = BearerChallenge(headerValues: values) {
        _ = challenge.resourceMetadata
        _ = challenge.scope
    }
    let encoded = MCPHeader.encodeValue(text)
    precondition(MCPHeader.decodeValue(encoded) == text, "header value does not round-trip")
    _ = MCPHeader.decodeValue(text)
    return 0
}
