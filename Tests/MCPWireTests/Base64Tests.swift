import Foundation
import MCPWire
import Testing

@Suite("Base64")
struct Base64Tests {
    @Test(arguments: [
        ("", "", ""), ("f", "Zg==", "Zg"), ("fo", "Zm8=", "Zm8"), ("foo", "Zm9v", "Zm9v"),
        ("foob", "Zm9vYg==", "Zm9vYg"),
        ("fooba", "Zm9vYmE=", "Zm9vYmE"), ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
    ])
    func rfc4648TestVectors(_ plain: String, _ standard: String, _ url: String) {
        #expect(Base64.encode(Array(plain.utf8)) == standard)
        #expect(Base64.encode(Array(plain.utf8), .url) == url)
        #expect(Base64.decode(standard) == Array(plain.utf8))
        #expect(Base64.decode(url, .url) == Array(plain.utf8))
    }

    @Test func agreesWithFoundationOnEveryLengthAndByte() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let foundation = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == foundation)
            #expect(Base64.decode(foundation) == bytes)
            let url = foundation.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64.encode(bytes, .url) == url)
            #expect(Base64.decode(url, .url) == bytes)
        }
    }

    @Test(arguments: ["Zg", "Zg=", "Z===", "Zh==", "Zm9v=", "Zm-v", "Zm9v\n", "====", "Zg==Zg=="])
    func refusesWhatIsNotStandardBase64(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test(arguments: ["Zg==", "Z", "Zh", "Zm+v", "Zm/v", "Zm9v Zg"])
    func refusesWhatIsNotBase64URL(_ text: String) {
        #expect(Base64.decode(text, .url) == nil)
    }
}
