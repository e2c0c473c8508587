import HTTPTypes
import MCPServerCore
import MCPWire
import Testing

@Suite("Trusted proxies")
struct TrustedProxiesTests {
    static let proxies = TrustedProxies([IPNetwork("10.0.0.0/8")!, IPNetwork("::1")!])

    static func client(peer: String?, _ headers: [(String, String)]) -> String? {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return Self.proxies.clientAddress(peer: peer, headers: fields)
    }

    @Test func forwardedHeadersFromAnUntrustedPeerAreIgnored() {
        #expect(Self.client(peer: "203.0.113.5", [("X-Forwarded-For", "1.1.1.1")]) == "203.0.113.5")
        #expect(Self.client(peer: "203.0.113.5", [("Forwarded", "for=1.1.1.1")]) == "203.0.113.5")
        #expect(
            TrustedProxies.none.clientAddress(peer: "10.0.0.1", headers: [.init("X-Forwarded-For")!: "1.1.1.1"])
                == "10.0.0.1"
        )
    }

    @Test func theRightMostUntrustedAddressIsTheClient() {
        // The client sent a forged entry on the left; the proxies appended what they saw.
        #expect(
            Self.client(peer: "10.0.0.2", [("X-Forwarded-For", "6.6.6.6, 198.51.100.4, 10.0.0.9")]) == "198.51.100.4"
        )
        #expect(
            Self.client(peer: "10.0.0.2", [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "198.51.100.4")])
                == "198.51.100.4"
        )
        #expect(Self.client(peer: "::1", [("X-Forwarded-For", "2001:db8::7")]) == "2001:db8:0:0:0:0:0:7")
        // Only trusted hops: the left-most one is as far as anything can be believed.
        #expect(Self.client(peer: "10.0.0.2", [("X-Forwarded-For", "10.1.1.1, 10.2.2.2")]) == "10.1.1.1")
        // Garbage stops the walk: what the last trusted hop saw stands.
        #expect(Self.client(peer: "10.0.0.2", [("X-Forwarded-For", "nonsense, 10.3.3.3")]) == "10.3.3.3")
        #expect(Self.client(peer: "10.0.0.2", []) == "10.0.0.2")
    }

    @Test func forwardedIsReadOnlyWithoutXForwardedFor() {
        #expect(
            Self.client(peer: "10.0.0.2", [("Forwarded", #"for=6.6.6.6, for="[2001:db8::1]:4711";proto=https"#)])
                == "2001:db8:0:0:0:0:0:1"
        )
        #expect(Self.client(peer: "10.0.0.2", [("Forwarded", "for=192.0.2.60:8080;by=10.0.0.2")]) == "192.0.2.60")
        #expect(
            Self.client(peer: "10.0.0.2", [("Forwarded", "for=6.6.6.6"), ("X-Forwarded-For", "198.51.100.4")])
                == "198.51.100.4"
        )
    }
}
