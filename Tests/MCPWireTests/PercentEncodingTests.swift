import Foundation
import MCPWire
import PropertyBased
import Testing

/// Percent-encoding by bytes: what stays, what is escaped, `+` in forms only, strict decoding, and for any text,
/// encoding then decoding gives it back, as Foundation reads it too.
@Suite("Percent-encoding")
struct PercentEncodingTests {
    @Test(arguments: [
        ("AZaz09-._~", "AZaz09-._~", "AZaz09-._~"),
        ("a b+c", "a%20b%2Bc", "a+b%2Bc"),
        ("%/?#&=", "%25%2F%3F%23%26%3D", "%25%2F%3F%23%26%3D"),
        ("é😀", "%C3%A9%F0%9F%98%80", "%C3%A9%F0%9F%98%80"),
        ("", "", ""),
    ])
    func encodes(_ text: String, _ encoded: String, _ formEncoded: String) {
        #expect(PercentEncoding.encode(text) == encoded)
        #expect(PercentEncoding.encode(text, form: true) == formEncoded)
    }

    @Test func keepingAChosenSetStillEscapesThePercentSign() {
        #expect(PercentEncoding.encode("a/b%c d", keeping: { _ in true }) == "a/b%25c d")
        #expect(PercentEncoding.encode("a/b:c@d e", keeping: PercentEncoding.isPathSegmentCharacter) == "a%2Fb:c@d%20e")
    }

    @Test func decodesAndRefusesBrokenEscapesAndBadUTF8() {
        #expect(PercentEncoding.decode("a+b%20c%c3%A9".utf8, form: false) == "a+b cé")
        #expect(PercentEncoding.decode("a+b%20c".utf8, form: true) == "a b c")
        for broken in ["%", "%4", "%G0", "a%2", "%FF", "%C3", "%ED%A0%80"] {
            #expect(PercentEncoding.decode(broken.utf8, form: false) == nil, "\(broken)")
        }
    }

    @Test func pairsAreDecodedInOrder() throws {
        let pairs = try #require(PercentEncoding.pairs("b=2&a=%41+x&&c=&d"))
        #expect(pairs.map(\.name) == ["b", "a", "c", "d"])
        #expect(pairs.map(\.value) == ["2", "A x", "", ""])
        #expect(PercentEncoding.pairs("=x") == nil)
        #expect(PercentEncoding.pairs("a=%zz") == nil)
    }

    @Test func anyTextRoundTripsAndFoundationReadsItTheSame() async {
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...255).array(of: 0...64)) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let encoded = PercentEncoding.encode(text)
            #expect(encoded.utf8.allSatisfy { PercentEncoding.isUnreserved($0) || $0 == UInt8(ascii: "%") })
            #expect(PercentEncoding.decode(encoded.utf8, form: false) == text)
            #expect(encoded.removingPercentEncoding == text)
            #expect(PercentEncoding.decode(PercentEncoding.encode(text, form: true).utf8, form: true) == text)
        }
    }
}
