import Foundation
import Testing

@testable import MCPServerCore

/// How long a fetched document is reused, from its caching headers.
@Suite("Outbound: cache lifetime")
struct HTTPCacheLifetimeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func lifetime(_ headers: [(String, String)], ceiling: Duration = .seconds(86_400)) -> Duration {
        let response = OutboundResponse(
            status: 200,
            headers: headers.map { OutboundResponse.HeaderField(name: $0.0, value: $0.1) },
            body: []
        )
        return HTTPCacheLifetime.of(response, now: Self.now, default: .seconds(300), ceiling: ceiling)
    }

    @Test("max-age is honoured, less Age, within the ceiling")
    func maxAge() {
        #expect(Self.lifetime([("Cache-Control", "public, max-age=600")]) == .seconds(600))
        #expect(Self.lifetime([("cache-control", "max-age=600"), ("Age", "100")]) == .seconds(500))
        #expect(Self.lifetime([("Cache-Control", "max-age=\"60\"")]) == .seconds(60))
        #expect(Self.lifetime([("Cache-Control", "max-age=999999999")], ceiling: .seconds(3_600)) == .seconds(3_600))
        #expect(Self.lifetime([("Cache-Control", "max-age=99999999999999999999999")]) == .seconds(86_400))
        #expect(Self.lifetime([("Cache-Control", "max-age=10"), ("Age", "50")]) == .zero)
    }

    @Test("no-store and no-cache mean not reused; they win over max-age")
    func noStore() {
        #expect(Self.lifetime([("Cache-Control", "no-store")]) == .zero)
        #expect(Self.lifetime([("Cache-Control", "max-age=600, no-cache")]) == .zero)
        #expect(Self.lifetime([("Cache-Control", "max-age=600"), ("Cache-Control", "no-store")]) == .zero)
    }

    @Test("Expires counts from the response's Date, else from now; an unreadable one is already expired")
    func expires() {
        #expect(
            Self.lifetime([("Date", "Sun, 06 Nov 1994 08:49:37 GMT"), ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")])
                == .seconds(3_600)
        )
        // 2027-01-15T08:00:00Z is 1_800_000_000 + 120 s.
        #expect(Self.lifetime([("Expires", "Fri, 15 Jan 2027 08:02:00 GMT")]) == .seconds(120))
        #expect(Self.lifetime([("Expires", "0")]) == .zero)
        #expect(Self.lifetime([("Expires", "Sunday, 06-Nov-94 08:49:37 GMT")]) == .zero)
        #expect(Self.lifetime([("Cache-Control", "max-age=60"), ("Expires", "0")]) == .seconds(60))
    }

    @Test("without caching headers the default applies")
    func defaults() {
        #expect(Self.lifetime([]) == .seconds(300))
        #expect(Self.lifetime([("Cache-Control", "public")]) == .seconds(300))
    }

    @Test("IMF-fixdate is read exactly")
    func dates() {
        #expect(HTTPCacheLifetime.imfFixdate("Sun, 06 Nov 1994 08:49:37 GMT")?.timeIntervalSince1970 == 784_111_777)
        #expect(HTTPCacheLifetime.imfFixdate("Sun, 06 Nov 1994 08:49:37 UTC") == nil)
        #expect(HTTPCacheLifetime.imfFixdate("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
        #expect(HTTPCacheLifetime.imfFixdate("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
    }
}
