/// Marshals values into the D-Bus wire format. Offsets are counted from the writer's start, so a body written
/// here keeps its alignment once placed after a header padded to 8 bytes.
///
/// The bridge sends little-endian; big-endian exists so tests can check the reader with the other byte order.
struct DBusWriter {
    private(set) var bytes: [UInt8] = []
    let bigEndian: Bool

    init(bigEndian: Bool = false) {
        self.bigEndian = bigEndian
    }

    mutating func write(_ value: DBusValue) {
        switch value {
        case .byte(let byte):
            self.bytes.append(byte)
        case .boolean(let flag):
            self.writeUInt32(flag ? 1 : 0)
        case .int32(let number):
            self.writeUInt32(UInt32(bitPattern: number))
        case .uint32(let number):
            self.writeUInt32(number)
        case .string(let text), .objectPath(let text):
            self.writeUInt32(UInt32(text.utf8.count))
            self.bytes += text.utf8
            self.bytes.append(0)
        case .signature(let text):
            precondition(text.utf8.count <= 255, "D-Bus signatures are at most 255 bytes")
            self.bytes.append(UInt8(text.utf8.count))
            self.bytes += text.utf8
            self.bytes.append(0)
        case .variant(let inner):
            self.write(.signature(inner.type.signature))
            self.write(inner)
        case .bytes(let content):
            self.writeUInt32(UInt32(content.count))
            self.bytes += content
        case .array(let element, let items):
            self.writeArray(elementAlignment: element.alignment) { writer in
                for item in items { writer.write(item) }
            }
        case .dictionary(_, _, let entries):
            self.writeArray(elementAlignment: 8) { writer in
                for entry in entries {
                    writer.pad(to: 8)
                    writer.write(entry.key)
                    writer.write(entry.value)
                }
            }
        case .structure(let fields):
            self.pad(to: 8)
            for field in fields { self.write(field) }
        }
    }

    /// Zero bytes up to the next multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        let remainder = self.bytes.count % alignment
        if remainder != 0 { self.bytes += repeatElement(0, count: alignment - remainder) }
    }

    mutating func writeUInt32(_ number: UInt32) {
        self.pad(to: 4)
        let ordered = self.bigEndian ? number.bigEndian : number.littleEndian
        withUnsafeBytes(of: ordered) { self.bytes += $0 }
    }

    /// The length, the padding to the first element (not counted in the length), then the elements.
    private mutating func writeArray(elementAlignment: Int, _ elements: (inout DBusWriter) -> Void) {
        self.writeUInt32(0)
        let lengthAt = self.bytes.count - 4
        self.pad(to: elementAlignment)
        let start = self.bytes.count
        elements(&self)
        let length = UInt32(self.bytes.count - start)
        let ordered = self.bigEndian ? length.bigEndian : length.littleEndian
        withUnsafeBytes(of: ordered) { self.bytes.replaceSubrange(lengthAt..<lengthAt + 4, with: $0) }
    }
}
