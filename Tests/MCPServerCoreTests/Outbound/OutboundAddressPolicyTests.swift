import MCPWire
import Testing

@testable import MCPServerCore

/// Which addresses a fetch for a URL someone else chose may reach.
@Suite("Outbound: address policy")
struct OutboundAddressPolicyTests {
    @Test(
        "non-public addresses are refused",
        arguments: [
            "0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "127.255.255.254", "169.254.169.254", "172.16.0.1",
            "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",
            "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
            // IPv6: unspecified, loopback, unique-local, link-local, site-local, multicast, documentation,
            // IETF protocol assignments (Teredo), discard, IPv4-compatible.
            "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "2001:db8::1",
            "2001::1", "100::1", "::a00:1",
            // IPv4 inside IPv6: mapped, NAT64 and 6to4 forms of private and metadata addresses.
            "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "64:ff9b::10.0.0.1",
            "2002:0a00:0001::1", "2002:7f00:0001::",
        ]
    )
    func refused(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundAddressPolicy.refusal(for: address) != nil, "\(text)")
    }

    @Test(
        "public unicast addresses are allowed",
        arguments: [
            "1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
            "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "2002:0808:0808::1",
        ]
    )
    func allowed(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundAddressPolicy.refusal(for: address) == nil, "\(text)")
    }

    @Test("the refusal names the kind of address")
    func reasons() throws {
        #expect(OutboundAddressPolicy.refusal(for: try #require(IPAddress("10.0.0.1"))) == "a private address")
        #expect(OutboundAddressPolicy.refusal(for: try #require(IPAddress("::1"))) == "a loopback address")
        #expect(OutboundAddressPolicy.refusal(for: try #require(IPAddress("fe80::1"))) == "a link-local address")
        #expect(OutboundAddressPolicy.refusal(for: try #require(IPAddress("100.64.1.1"))) == "a shared (CGNAT) address")
        #expect(OutboundAddressPolicy.refusal(for: try #require(IPAddress("::"))) == "the unspecified address")
    }
}
