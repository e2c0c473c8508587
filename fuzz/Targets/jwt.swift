// Access token input before any cryptography (with Sources/MCPServerCore/Auth/AccessTokenEnvelope.swift): any
// string is an envelope or a refusal with a reason.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWT(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let token = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let envelope = try AccessTokenEnvelope.parse(token)
        precondition(!envelope.keyID.isEmpty)
    } catch {
        precondition(!error.reason.isEmpty)
    }
    return 0
}
