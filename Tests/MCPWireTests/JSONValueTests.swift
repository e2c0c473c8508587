import MCPWire
import Testing

struct JSONValueTests {
    @Test(arguments: [
        #"{"a":[1,2.50,-0,1e3,1E-7,true,false,null],"b":"x"}"#,
        #"{"big":123456789012345678901234567890,"neg":-12.0}"#,
        #""line\nbreak \"quoted\" back\\slash tab\t é 😀""#,
        #"[]"#,
        #"{}"#,
    ])
    func roundTripsExactly(_ text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(try JSONValue(parsing: value.serialized()) == value)
        // Numbers keep their literal text.
        if case .object(let members) = value, case .array(let items)? = members["a"] {
            #expect(items.compactMap(\.numberValue).map(\.literal) == ["1", "2.50", "-0", "1e3", "1E-7"])
        }
    }

    @Test func serializationIsCompactSortedAndNewlineFree() throws {
        let value = try JSONValue(parsing: "{ \"b\" : 1 ,\n \"a\" : \"x\\ny\" }")
        #expect(value.serializedString() == #"{"a":"x\ny","b":1}"#)
        #expect(!value.serialized().contains(0x0A))
    }

    @Test func escapesDecodeIncludingSurrogatePairs() throws {
        let value = try JSONValue(parsing: #""\u00e9\ud83d\ude00\/\b\f\r""#)
        #expect(value == .string("é😀/\u{08}\u{0C}\r"))
    }

    @Test func controlCharactersAreEscapedOnOutput() {
        #expect(JSONValue.string("\u{01}\u{1F}").serializedString() == #""\u0001\u001f""#)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", ".5", "-", "+1", "1e", "tru", "nul",
        "\"abc", "\"a\u{01}b\"", #""\x""#, #""\ud800""#, #""\udc00x""#, #""\u12""#, "{\"a\" 1}", "[1 2]",
        "{\"a\":1}{}", "NaN", "Infinity", "{\"a\":1,\"a\":2}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [[UInt8]] = [
            [0x22, 0xC3, 0x28, 0x22],  // bad continuation
            [0x22, 0xC0, 0xAF, 0x22],  // overlong
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],  // truncated
        ]
        for sample in bytes {
            #expect(throws: JSONParseError.self) { try JSONValue(parsing: sample) }
        }
    }

    @Test func deepNestingIsRefusedWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue(parsing: fine) }
    }

    @Test func numbersCompareByValue() {
        #expect(JSONNumber(literal: "1.0") == JSONNumber(literal: "1"))
        #expect(JSONNumber(literal: "1e3")?.int64Value == 1000)
        #expect(JSONNumber(literal: "1.5")?.int64Value == nil)
        #expect(JSONNumber(literal: "abc") == nil)
        #expect(JSONNumber(3.5).literal == "3.5")
        #expect(JSONNumber(4.0).literal == "4")
    }

    @Test func decodesTypedValues() throws {
        struct Pair: Decodable, Equatable {
            let a: Int
            let b: String
        }
        let value: JSONValue = ["a": 3, "b": "x"]
        #expect(try value.decode(as: Pair.self) == Pair(a: 3, b: "x"))
    }
}
