/// A JSON number that remembers its literal text, so it round-trips exactly.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written in JSON, for example `42`, `-0.5` or `1e3`.
    public let literal: String

    /// Wraps text already known to be a valid JSON number (the parser's path).
    init(uncheckedLiteral: String) {
        self.literal = uncheckedLiteral
    }

    /// A number from a literal; `nil` unless `literal` follows the JSON number grammar (RFC 8259 §6).
    public init?(literal: String) {
        var scanner = JSONScanner(bytes: Array(literal.utf8))
        guard (try? scanner.scanNumberLiteral()) != nil, scanner.isAtEnd else { return nil }
        self.literal = literal
    }

    /// An integer.
    public init(_ value: some BinaryInteger) {
        self.literal = String(value)
    }

    /// A floating-point number; non-finite values (which JSON cannot carry) become `0`.
    public init(_ value: Double) {
        guard value.isFinite else {
            self.literal = "0"
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            self.literal = String(Int64(value))
        } else {
            self.literal = String(value)
        }
    }

    /// `true` when the literal has no fraction and no exponent.
    public var isInteger: Bool {
        !self.literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value as a 64-bit integer, when it is a whole number in range (`2.0` and `1e3` count as whole).
    public var int64Value: Int64? {
        if let value = Int64(self.literal) { return value }
        guard let double = Double(self.literal), double == double.rounded(), abs(double) <= 9.007_199_254_740_992e15
        else { return nil }
        return Int64(double)
    }

    /// The value as a double.
    public var doubleValue: Double {
        Double(self.literal) ?? 0
    }

    public var description: String { self.literal }

    /// Numbers compare by value, so `1.0` equals `1`.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.literal == rhs.literal { return true }
        if let left = Int64(lhs.literal), let right = Int64(rhs.literal) { return left == right }
        return lhs.doubleValue == rhs.doubleValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.doubleValue)
    }
}
