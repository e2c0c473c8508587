import MCPWire
import PropertyBased
import Testing

/// JSON values built from random bytes (every kind, nesting, escapes, astral and control characters, extreme
/// numbers) survive serialize → parse unchanged, and serializing is stable.
@Suite("JSON round trips (property-based)")
struct JSONPropertyTests {
    /// Turns bytes into a JSON value deterministically, so the library's shrinking of the bytes shrinks the value.
    struct Recipe {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func next() -> UInt8 {
            defer { self.index += 1 }
            return self.index < self.bytes.count ? self.bytes[self.index] : 0
        }

        static let pieces: [String] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ß", "€", "😀",
            "\u{2028}", "\u{FEFF}", "𝄞", "\u{10FFFF}",
        ]
        static let numbers: [String] = [
            "0", "-0", "1", "-1", "9007199254740993", "-9223372036854775808", "18446744073709551616", "1.5", "-0.25",
            "1e400", "1E-400", "3.141592653589793238462643383279", "6.02e23", "1e+2",
        ]

        mutating func string() -> String {
            (0..<Int(self.next() % 12)).map { _ in Self.pieces[Int(self.next()) % Self.pieces.count] }.joined()
        }

        mutating func value(depth: Int = 0) -> JSONValue {
            switch self.next() % (depth > 4 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(self.next() % 2 == 0)
            case 2:
                let literal = Self.numbers[Int(self.next()) % Self.numbers.count]
                return .number(JSONNumber(literal: literal)!)
            case 3: return .string(self.string())
            case 4: return .array((0..<Int(self.next() % 5)).map { _ in self.value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int(self.next() % 5) { members[self.string()] = self.value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    @Test func serializeThenParseGivesTheSameValue() async {
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...255).array(of: 0...300)) { bytes in
            var recipe = Recipe(bytes)
            let value = recipe.value()
            let text = value.serialized()
            let parsed = try? JSONValue(parsing: text)
            #expect(parsed == value)
            #expect(parsed?.serialized() == text)
        }
    }
}
