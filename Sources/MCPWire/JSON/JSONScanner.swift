/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Written here instead of using `JSONDecoder` so that numbers keep their literal text (ids round-trip
/// exactly), invalid UTF-8 is rejected rather than replaced, nesting depth is bounded (deep input cannot
/// exhaust the stack), and a request is parsed once without a detour through `Any`.
struct JSONScanner {
    /// Deeper input is refused; far beyond any real MCP message, far below a stack overflow.
    static let maximumDepth = 128

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { self.index >= self.bytes.count }

    /// Parses exactly one value, surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        self.skipWhitespace()
        let value = try self.parseValue()
        self.skipWhitespace()
        guard self.isAtEnd else { throw self.error("Unexpected data after the JSON value") }
        return value
    }

    private func error(_ reason: String) -> JSONParseError {
        JSONParseError(reason: reason, offset: self.index)
    }

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard self.index < self.bytes.count else { throw self.error("Unexpected end of JSON") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expectKeyword("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectKeyword("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectKeyword("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(JSONNumber(uncheckedLiteral: try self.scanNumberLiteral()))
        default: throw self.error("Unexpected character")
        }
    }

    private mutating func expectKeyword(_ keyword: StaticString) throws(JSONParseError) {
        let count = keyword.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.error("Invalid literal") }
        let matches = keyword.withUTF8Buffer { expected in
            (0..<count).allSatisfy { self.bytes[self.index + $0] == expected[$0] }
        }
        guard matches else { throw self.error("Invalid literal") }
        self.index += count
    }

    private mutating func enter() throws(JSONParseError) {
        self.depth += 1
        guard self.depth <= Self.maximumDepth else { throw self.error("JSON nested too deeply") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try self.enter()
        self.index += 1
        var members: [String: JSONValue] = [:]
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            self.depth -= 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("Expected a member name")
            }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                throw self.error("Expected ':'")
            }
            self.index += 1
            self.skipWhitespace()
            let value = try self.parseValue()
            // A repeated name is ambiguous (RFC 8259 §4); refusing it keeps every reader of the message in agreement.
            guard members.updateValue(value, forKey: key) == nil else {
                throw self.error("Duplicate member name")
            }
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("Unexpected end of JSON") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                self.depth -= 1
                return .object(members)
            default: throw self.error("Expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try self.enter()
        self.index += 1
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            self.depth -= 1
            return .array(elements)
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue())
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("Unexpected end of JSON") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                self.depth -= 1
                return .array(elements)
            default: throw self.error("Expected ',' or ']'")
            }
        }
    }

    /// Scans a number and returns its literal text.
    mutating func scanNumberLiteral() throws(JSONParseError) -> String {
        let start = self.index
        if self.peek == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.peek, first.isDigit else { throw self.error("Invalid number") }
        self.index += 1
        if first != UInt8(ascii: "0") {
            while let byte = self.peek, byte.isDigit { self.index += 1 }
        }
        if self.peek == UInt8(ascii: ".") {
            self.index += 1
            guard let byte = self.peek, byte.isDigit else { throw self.error("Invalid number") }
            while let byte = self.peek, byte.isDigit { self.index += 1 }
        }
        if self.peek == UInt8(ascii: "e") || self.peek == UInt8(ascii: "E") {
            self.index += 1
            if self.peek == UInt8(ascii: "+") || self.peek == UInt8(ascii: "-") { self.index += 1 }
            guard let byte = self.peek, byte.isDigit else { throw self.error("Invalid number") }
            while let byte = self.peek, byte.isDigit { self.index += 1 }
        }
        return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
    }

    private var peek: UInt8? {
        self.index < self.bytes.count ? self.bytes[self.index] : nil
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        self.index += 1  // opening quote
        var result = ""
        var runStart = self.index
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            switch byte {
            case UInt8(ascii: "\""):
                try self.appendRun(from: runStart, to: &result)
                self.index += 1
                return result
            case UInt8(ascii: "\\"):
                try self.appendRun(from: runStart, to: &result)
                self.index += 1
                result.unicodeScalars.append(try self.parseEscape())
                runStart = self.index
            case 0x00..<0x20:
                throw self.error("Unescaped control character in string")
            default:
                self.index += 1
            }
        }
        throw self.error("Unterminated string")
    }

    private func appendRun(from start: Int, to result: inout String) throws(JSONParseError) {
        guard start < self.index else { return }
        let run = self.bytes[start..<self.index]
        guard UTF8Validator.isValid(run) else {
            throw JSONParseError(reason: "Invalid UTF-8 in string", offset: start)
        }
        result += String(decoding: run, as: UTF8.self)
    }

    private mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
        guard let byte = self.peek else { throw self.error("Unterminated string") }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try self.parseHex4()
            if (0xD800...0xDBFF).contains(unit) {
                guard self.peek == UInt8(ascii: "\\"), self.index + 1 < self.bytes.count,
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                else { throw self.error("Unpaired surrogate in string") }
                self.index += 2
                let low = try self.parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw self.error("Unpaired surrogate in string") }
                let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw self.error("Invalid escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(unit) else { throw self.error("Unpaired surrogate in string") }
            return scalar
        default:
            throw self.error("Invalid escape")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("Invalid \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("Invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
            self.index += 1
        }
        return value
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
