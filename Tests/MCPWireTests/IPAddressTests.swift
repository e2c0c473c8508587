import MCPWire
import Testing

@Suite("IP addresses and blocks")
struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::1", "0:0:0:0:0:0:0:1"), ("[::1]", "0:0:0:0:0:0:0:1"),
        ("2001:DB8::8:800:200C:417A", "2001:db8:0:0:8:800:200c:417a"),
        ("::", "0:0:0:0:0:0:0:0"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("::ffff:10.1.2.3", "10.1.2.3"),
        ("64:ff9b::192.0.2.33", "64:ff9b:0:0:0:0:c000:221"),
    ])
    func parses(_ text: String, _ canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(arguments: [
        "", "127.evil.example", "127.0.0.1.example", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3",
        "01234.1.1.1", "+1.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "g::1", "1.2.3.4::",
        "::1%eth0", "[::1", "1:2:3:4:5:6:7::8:9", " 1.2.3.4",
    ])
    func refusesWhatIsNotAnAddress(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func loopback() {
        #expect(IPAddress("127.0.0.1")?.isLoopback == true)
        #expect(IPAddress("127.255.1.2")?.isLoopback == true)
        #expect(IPAddress("::1")?.isLoopback == true)
        #expect(IPAddress("::ffff:127.0.0.1")?.isLoopback == true)
        #expect(IPAddress("128.0.0.1")?.isLoopback == false)
        #expect(IPAddress("::2")?.isLoopback == false)
    }

    @Test func blocksContainTheirAddressesOnly() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains(IPAddress("10.255.0.1")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        #expect(!ten.contains(IPAddress("::ffff:11.0.0.1")!))
        #expect(ten.contains(IPAddress("::ffff:10.0.0.1")!))
        let doc = try #require(IPNetwork("2001:db8::/32"))
        #expect(doc.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!doc.contains(IPAddress("2001:db9::1")!))
        #expect(!doc.contains(IPAddress("10.0.0.1")!))
        #expect(IPNetwork("192.0.2.7")?.contains(IPAddress("192.0.2.7")!) == true)
        #expect(IPNetwork("192.0.2.7")?.contains(IPAddress("192.0.2.8")!) == false)
        #expect(IPNetwork("0.0.0.0/0")?.contains(IPAddress("8.8.8.8")!) == true)
        #expect(IPNetwork("192.0.2.130/25")?.contains(IPAddress("192.0.2.129")!) == true)
        #expect(IPNetwork("192.0.2.130/25")?.contains(IPAddress("192.0.2.127")!) == false)
        #expect(IPNetwork("::ffff:10.0.0.0/104")?.contains(IPAddress("10.9.9.9")!) == true)
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "x/8", "10.0.0.0/8/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func rateLimitKeysGroupIPv6By64() {
        #expect(IPAddress("2001:db8::1")?.rateLimitKey == IPAddress("2001:db8::ffff:2")?.rateLimitKey)
        #expect(IPAddress("2001:db8::1")?.rateLimitKey != IPAddress("2001:db8:0:1::1")?.rateLimitKey)
        #expect(IPAddress("192.0.2.1")?.rateLimitKey == "192.0.2.1")
        #expect(IPAddress("::ffff:192.0.2.1")?.rateLimitKey == "192.0.2.1")
    }
}
