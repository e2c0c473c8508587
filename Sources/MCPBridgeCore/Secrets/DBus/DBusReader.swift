/// Unmarshals D-Bus values from untrusted bytes: every length is checked against what is left, padding must be
/// zero, nesting is capped (``DBusType/maxDepth``), and strings must be UTF-8 without NUL. Any violation throws
/// ``DBusFailure/malformed(_:)``; nothing here traps.
struct DBusReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    let bigEndian: Bool

    /// The specification's cap on one array's bytes.
    static let maxArrayBytes = 1 << 26

    /// Reads `bytes` from `offset`; alignment is counted from the start of `bytes`.
    init(_ bytes: [UInt8], offset: Int = 0, bigEndian: Bool) {
        self.bytes = bytes
        self.offset = offset
        self.bigEndian = bigEndian
    }

    var isAtEnd: Bool { self.offset == self.bytes.count }

    mutating func read(_ type: DBusType) throws(DBusFailure) -> DBusValue {
        try self.read(type, depth: 0)
    }

    private mutating func read(_ type: DBusType, depth: Int) throws(DBusFailure) -> DBusValue {
        guard depth < DBusType.maxDepth else { throw .malformed("values nested deeper than \(DBusType.maxDepth)") }
        switch type {
        case .byte:
            return .byte(try self.takeByte())
        case .boolean:
            let number = try self.readUInt32()
            guard number <= 1 else { throw .malformed("a boolean of \(number)") }
            return .boolean(number == 1)
        case .int32:
            return .int32(Int32(bitPattern: try self.readUInt32()))
        case .uint32:
            return .uint32(try self.readUInt32())
        case .string:
            return .string(try self.readString(length: Int(try self.readUInt32())))
        case .objectPath:
            let path = try self.readString(length: Int(try self.readUInt32()))
            guard Self.isObjectPath(path) else { throw .malformed("an invalid object path") }
            return .objectPath(path)
        case .signature:
            let text = try self.readSignature()
            _ = try DBusType.parse(text)
            return .signature(text)
        case .variant:
            let types = try DBusType.parse(try self.readSignature())
            guard types.count == 1 else { throw .malformed("a variant without exactly one type") }
            return .variant(try self.read(types[0], depth: depth + 1))
        case .array(.byte):
            return .bytes(Array(try self.take(try self.readArrayLength())))
        case .array(let element):
            var items: [DBusValue] = []
            try self.readArray(alignment: element.alignment) { reader throws(DBusFailure) in
                items.append(try reader.read(element, depth: depth + 1))
            }
            return .array(element, items)
        case .dictionary(let key, let value):
            var entries: [DBusValue.Entry] = []
            try self.readArray(alignment: 8) { reader throws(DBusFailure) in
                try reader.align(8)
                let entryKey = try reader.read(key, depth: depth + 1)
                entries.append(DBusValue.Entry(key: entryKey, value: try reader.read(value, depth: depth + 1)))
            }
            return .dictionary(key, value, entries)
        case .structure(let types):
            try self.align(8)
            var fields: [DBusValue] = []
            for fieldType in types { fields.append(try self.read(fieldType, depth: depth + 1)) }
            return .structure(fields)
        }
    }

    mutating func readUInt32() throws(DBusFailure) -> UInt32 {
        try self.align(4)
        return Self.uint32(in: self.bytes, at: try self.skip(4), bigEndian: self.bigEndian)
    }

    /// Skips padding to `alignment`, which must be zero bytes.
    mutating func align(_ alignment: Int) throws(DBusFailure) {
        let remainder = self.offset % alignment
        guard remainder != 0 else { return }
        guard try self.take(alignment - remainder).allSatisfy({ $0 == 0 }) else {
            throw .malformed("non-zero padding")
        }
    }

    /// The `UInt32` at `offset` of `bytes`, which must hold four bytes there.
    static func uint32(in bytes: [UInt8], at offset: Int, bigEndian: Bool) -> UInt32 {
        let value = bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return bigEndian ? value.byteSwapped : value
    }

    private mutating func readArrayLength() throws(DBusFailure) -> Int {
        let length = Int(try self.readUInt32())
        guard length <= Self.maxArrayBytes else { throw .malformed("an array of \(length) bytes") }
        return length
    }

    /// Reads elements until the array's length is used up; each must end exactly there.
    private mutating func readArray(
        alignment: Int,
        _ element: (inout DBusReader) throws(DBusFailure) -> Void
    ) throws(DBusFailure) {
        let length = try self.readArrayLength()
        try self.align(alignment)
        let end = self.offset + length
        guard end <= self.bytes.count else { throw .malformed("an array longer than the message") }
        while self.offset < end {
            // Every element takes at least one byte, so this ends; the check keeps it so if that ever changes.
            let before = self.offset
            try element(&self)
            guard self.offset > before else { throw .malformed("an empty array element") }
        }
        guard self.offset == end else { throw .malformed("an array element crosses the array's end") }
    }

    private mutating func readString(length: Int) throws(DBusFailure) -> String {
        guard length < self.bytes.count - self.offset else { throw .malformed("a string longer than the message") }
        let content = try self.take(length)
        guard try self.takeByte() == 0, !content.contains(0) else { throw .malformed("a string with a stray NUL") }
        // Decoding repairs bad UTF-8 with U+FFFD, so a string that does not give its own bytes back was not UTF-8.
        let text = String(decoding: content, as: UTF8.self)
        guard text.utf8.elementsEqual(content) else { throw .malformed("a string not in UTF-8") }
        return text
    }

    private mutating func readSignature() throws(DBusFailure) -> String {
        try self.readString(length: Int(try self.takeByte()))
    }

    private mutating func take(_ count: Int) throws(DBusFailure) -> ArraySlice<UInt8> {
        let start = try self.skip(count)
        return self.bytes[start..<start + count]
    }

    private mutating func takeByte() throws(DBusFailure) -> UInt8 {
        self.bytes[try self.skip(1)]
    }

    /// Moves past `count` bytes and returns where they start.
    private mutating func skip(_ count: Int) throws(DBusFailure) -> Int {
        guard count >= 0, count <= self.bytes.count - self.offset else { throw .malformed("a truncated message") }
        defer { self.offset += count }
        return self.offset
    }

    /// `/`, or `/`-separated non-empty elements of `[A-Za-z0-9_]`.
    static func isObjectPath(_ path: String) -> Bool {
        guard path != "/" else { return true }
        let elements = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard elements.count >= 2, elements[0].isEmpty else { return false }
        return elements.dropFirst().allSatisfy { element in
            !element.isEmpty
                && element.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                        true
                    default: false
                    }
                }
        }
    }
}
