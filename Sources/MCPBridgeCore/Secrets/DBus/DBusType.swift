/// A D-Bus type as a signature spells it: the few the Secret Service needs (`y b i u s o g v`, arrays,
/// dictionaries and structs). Anything else in a message is refused as malformed rather than guessed at.
indirect enum DBusType: Equatable, Sendable {
    case byte
    case boolean
    case int32
    case uint32
    case string
    case objectPath
    case signature
    case variant
    /// `aT`.
    case array(DBusType)
    /// `a{KV}`: an array of dictionary entries (which appear nowhere else).
    case dictionary(DBusType, DBusType)
    /// `(T...)`, never empty.
    case structure([DBusType])

    /// Containers nested deeper than this are refused: the D-Bus specification allows 64, the Secret Service
    /// uses 4, and each level is a stack frame of the reader.
    static let maxDepth = 16

    /// The type's signature.
    var signature: String {
        switch self {
        case .byte: "y"
        case .boolean: "b"
        case .int32: "i"
        case .uint32: "u"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .variant: "v"
        case .array(let element): "a" + element.signature
        case .dictionary(let key, let value): "a{" + key.signature + value.signature + "}"
        case .structure(let fields): "(" + fields.map(\.signature).joined() + ")"
        }
    }

    /// Where values of the type start (the specification's alignment, in bytes).
    var alignment: Int {
        switch self {
        case .byte, .signature, .variant: 1
        case .boolean, .int32, .uint32, .string, .objectPath, .array, .dictionary: 4
        case .structure: 8
        }
    }

    /// Whether the type can be a dictionary key.
    var isBasic: Bool {
        switch self {
        case .byte, .boolean, .int32, .uint32, .string, .objectPath, .signature: true
        case .variant, .array, .dictionary, .structure: false
        }
    }

    /// The complete types of `signature`, in order.
    static func parse(_ signature: String) throws(DBusFailure) -> [DBusType] {
        let codes = Array(signature.utf8)
        guard codes.count <= 255 else { throw .malformed("a signature longer than 255 bytes") }
        var index = 0
        var types: [DBusType] = []
        while index < codes.count {
            types.append(try Self.parseOne(codes, &index, depth: 0))
        }
        return types
    }

    private static func parseOne(_ codes: [UInt8], _ index: inout Int, depth: Int) throws(DBusFailure) -> DBusType {
        guard depth < Self.maxDepth else { throw .malformed("a signature nested deeper than \(Self.maxDepth)") }
        guard index < codes.count else { throw .malformed("a signature that ends inside a type") }
        let code = codes[index]
        index += 1
        switch code {
        case UInt8(ascii: "y"): return .byte
        case UInt8(ascii: "b"): return .boolean
        case UInt8(ascii: "i"): return .int32
        case UInt8(ascii: "u"): return .uint32
        case UInt8(ascii: "s"): return .string
        case UInt8(ascii: "o"): return .objectPath
        case UInt8(ascii: "g"): return .signature
        case UInt8(ascii: "v"): return .variant
        case UInt8(ascii: "a"):
            guard index < codes.count, codes[index] == UInt8(ascii: "{") else {
                return .array(try Self.parseOne(codes, &index, depth: depth + 1))
            }
            index += 1
            let key = try Self.parseOne(codes, &index, depth: depth + 1)
            guard key.isBasic else { throw .malformed("a dictionary whose key is not a basic type") }
            let value = try Self.parseOne(codes, &index, depth: depth + 1)
            guard index < codes.count, codes[index] == UInt8(ascii: "}") else {
                throw .malformed("a dictionary entry without exactly two types")
            }
            index += 1
            return .dictionary(key, value)
        case UInt8(ascii: "("):
            var fields: [DBusType] = []
            while index < codes.count, codes[index] != UInt8(ascii: ")") {
                fields.append(try Self.parseOne(codes, &index, depth: depth + 1))
            }
            guard index < codes.count, !fields.isEmpty else { throw .malformed("an empty or unclosed struct") }
            index += 1
            return .structure(fields)
        default:
            throw .malformed("the type code \(Self.describe(code)), which this client does not read")
        }
    }

    private static func describe(_ code: UInt8) -> String {
        (0x21...0x7e).contains(code) ? "'\(Character(UnicodeScalar(code)))'" : "0x\(String(code, radix: 16))"
    }
}
