// application/x-www-form-urlencoded (with Sources/MCPServerCore/OAuth/FormURLEncoded.swift): parses or refuses;
// a body built from the decoded pairs, re-escaped, decodes to the same pairs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let pairs = FormURLEncoded.parse(bytes) else { return 0 }
    func escape(_ text: String) -> String {
        text.utf8.map { byte in
            let plain = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            let hex = Array("0123456789ABCDEF")
            return plain ? String(UnicodeScalar(byte)) : "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
        }.joined()
    }
    let rebuilt = pairs.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    guard let again = FormURLEncoded.parse(Array(rebuilt.utf8)) else { fatalError("re-escaped form does not parse") }
    precondition(again.map(\.name) == pairs.map(\.name) && again.map(\.value) == pairs.map(\.value), "round trip")
    return 0
}
