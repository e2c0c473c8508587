import MCPWire
import Testing

@testable import MCPServerCore

/// The URLs an outbound fetch accepts, before any network.
@Suite("Outbound: URLs")
struct OutboundURLTests {
    @Test("https URLs with a host are read as written")
    func accepted() throws {
        let url = try OutboundURL("https://client.example/oauth/metadata.json?v=1")
        #expect(url.isHTTPS && url.host == "client.example" && url.port == 443 && url.literal == nil)
        let literal = try OutboundURL("https://127.0.0.1:8443/doc")
        #expect(literal.literal?.isLoopback == true && literal.port == 8443)
        let v6 = try OutboundURL("http://[::1]:9000/x")
        #expect(!v6.isHTTPS && v6.isLoopbackHost)
    }

    @Test(
        "URLs that could be read two ways, or carry what a fetch must not send, are refused",
        arguments: [
            "ftp://client.example/doc", "file:///etc/passwd", "https://user:pw@client.example/doc",
            "https://client.example/doc#frag", "https://Client.Example/doc", "https://010.0.0.1/doc",
            "https://127.000.0.1/doc", "https:///doc", "https://client.example:0/doc", "https://client.example:99999/",
            "https://client example/doc", "https://client.example\\@evil.example/", "https://ex%61mple.com/",
            "https://-bad.example/", "https://[fe80::1%25eth0]/",
        ]
    )
    func refused(_ text: String) {
        #expect(throws: OutboundFetchError.self, "\(text)") { try OutboundURL(text) }
    }

    @Test("http counts as loopback only for loopback literals and localhost")
    func httpLoopback() {
        #expect(OutboundURL.isHTTPLoopback("http://127.0.0.1:5000"))
        #expect(OutboundURL.isHTTPLoopback("http://localhost:5000/issuer"))
        #expect(OutboundURL.isHTTPLoopback("http://[::1]:5000"))
        #expect(!OutboundURL.isHTTPLoopback("http://127.0.0.1.nip.io:5000"))
        #expect(!OutboundURL.isHTTPLoopback("http://10.0.0.1"))
        #expect(!OutboundURL.isHTTPLoopback("https://127.0.0.1"))
    }

    @Test("form encoding keeps unreserved characters and escapes the rest")
    func formEncoding() {
        let encoded = FormURLEncoded.encode([
            ("redirect_uri", "https://a.example/cb?x=1&y=2"), ("scope", "openid email"),
        ])
        #expect(encoded == "redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1%26y%3D2&scope=openid+email")
        let decoded = FormURLEncoded.parse(Array(encoded.utf8))
        #expect(decoded?.map(\.value) == ["https://a.example/cb?x=1&y=2", "openid email"])
    }
}

extension OutboundURLTests {
    @Test("extra trust roots that are not PEM certificates are refused at start")
    func badTrustRoots() {
        for pem in ["not a certificate", ""] {
            #expect(throws: OutboundFetchError.self) {
                try OutboundFetcher(policy: OutboundPolicy(extraTrustRootsPEM: pem))
            }
        }
    }
}
