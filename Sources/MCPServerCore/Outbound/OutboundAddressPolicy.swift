import MCPWire

/// Which addresses a fetch for a URL someone else chose may connect to: public unicast only.
///
/// IPv4 refuses every block of the IANA special-purpose registry that is not globally reachable (RFC 6890 and
/// its updates): "this network", private (RFC 1918), shared/CGNAT (RFC 6598), loopback, link-local, the IETF
/// protocol block, documentation and benchmarking ranges, the 6to4 relay anycast, multicast, reserved and
/// broadcast. IPv6 accepts only global unicast (`2000::/3`) outside its documentation and IETF protocol blocks,
/// so unspecified, loopback, unique-local, link-local, site-local, multicast and discard addresses are refused
/// by construction. An IPv4 address carried inside IPv6 (IPv4-mapped, which ``IPAddress`` already turns into
/// IPv4; NAT64 `64:ff9b::/96`; 6to4 `2002::/16`) is judged as that IPv4 address.
enum OutboundAddressPolicy {
    /// Why `address` is refused for a public fetch, or `nil` when it is a public address.
    static func refusal(for address: IPAddress) -> String? {
        switch address {
        case .v4(let value): return Self.refusalV4(value)
        case .v6(let bytes): return Self.refusalV6(bytes)
        }
    }

    private static let refusedV4: [(IPNetwork, String)] = [
        ("0.0.0.0/8", "a \"this network\" address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a shared (CGNAT) address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.88.99.0/24", "a 6to4 relay address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    private static let globalUnicastV6 = IPNetwork("2000::/3")!
    private static let refusedV6: [(IPNetwork, String)] = [
        ("2001::/23", "an IETF protocol address"),
        ("2001:db8::/32", "a documentation address"),
        ("3fff::/20", "a documentation address"),
    ].map { (IPNetwork($0.0)!, $0.1) }
    private static let nat64 = IPNetwork("64:ff9b::/96")!
    private static let sixToFour = IPNetwork("2002::/16")!

    private static func refusalV4(_ value: UInt32) -> String? {
        let address = IPAddress.v4(value)
        return Self.refusedV4.first { $0.0.contains(address) }?.1
    }

    private static func refusalV6(_ bytes: [UInt8]) -> String? {
        let address = IPAddress.v6(bytes)
        if Self.nat64.contains(address) { return Self.refusalV4(Self.v4(bytes[12..<16])) }
        if Self.sixToFour.contains(address) { return Self.refusalV4(Self.v4(bytes[2..<6])) }
        guard Self.globalUnicastV6.contains(address) else {
            if bytes.allSatisfy({ $0 == 0 }) { return "the unspecified address" }
            if address.isLoopback { return "a loopback address" }
            switch bytes[0] {
            case 0xfc, 0xfd: return "a unique-local address"
            case 0xfe where bytes[1] & 0xc0 == 0x80: return "a link-local address"
            case 0xff: return "a multicast address"
            default: return "a non-global address"
            }
        }
        return Self.refusedV6.first { $0.0.contains(address) }?.1
    }

    private static func v4(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
