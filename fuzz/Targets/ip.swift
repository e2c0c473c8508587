// IP addresses and CIDR blocks (trusted proxies, allow lists, loopback checks): what parses prints in a form
// that parses to the same address, and a block contains its own address.
import MCPWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let address = IPAddress(text) {
        precondition(IPAddress(address.description) == address, "description does not parse back")
        _ = address.rateLimitKey
    }
    if let network = IPNetwork(text) {
        precondition(network.contains(network.address), "a block must contain its own address")
    }
    return 0
}
