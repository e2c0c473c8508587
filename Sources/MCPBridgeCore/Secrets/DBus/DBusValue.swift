/// A value in a D-Bus message, of one of the types ``DBusType`` names.
indirect enum DBusValue: Equatable, Sendable {
    case byte(UInt8)
    case boolean(Bool)
    case int32(Int32)
    case uint32(UInt32)
    case string(String)
    case objectPath(String)
    case signature(String)
    case variant(DBusValue)
    /// `ay`, kept as bytes (secrets travel as byte arrays): the reader always gives this, never `.array(.byte, ...)`.
    case bytes([UInt8])
    /// An array of any other element type; the type is kept so that an empty array still has a signature.
    case array(DBusType, [DBusValue])
    /// `a{KV}`, in the order of the message.
    case dictionary(DBusType, DBusType, [Entry])
    case structure([DBusValue])

    /// One entry of a dictionary.
    struct Entry: Equatable, Sendable {
        var key: DBusValue
        var value: DBusValue
    }

    /// The value's type.
    var type: DBusType {
        switch self {
        case .byte: .byte
        case .boolean: .boolean
        case .int32: .int32
        case .uint32: .uint32
        case .string: .string
        case .objectPath: .objectPath
        case .signature: .signature
        case .variant: .variant
        case .bytes: .array(.byte)
        case .array(let element, _): .array(element)
        case .dictionary(let key, let value, _): .dictionary(key, value)
        case .structure(let fields): .structure(fields.map(\.type))
        }
    }

    /// `a{ss}`, keys sorted so the same dictionary always makes the same bytes.
    static func stringDictionary(_ dictionary: [String: String]) -> DBusValue {
        .dictionary(
            .string,
            .string,
            dictionary.sorted { $0.key < $1.key }.map { Entry(key: .string($0.key), value: .string($0.value)) }
        )
    }

    /// `ao`.
    static func objectPaths(_ paths: [String]) -> DBusValue {
        .array(.objectPath, paths.map { .objectPath($0) })
    }

    // MARK: Reading a reply

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var objectPath: String? {
        if case .objectPath(let value) = self { value } else { nil }
    }

    var boolean: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    var byteArray: [UInt8]? {
        if case .bytes(let value) = self { value } else { nil }
    }

    /// What a variant holds.
    var variantValue: DBusValue? {
        if case .variant(let value) = self { value } else { nil }
    }

    /// The paths of an `ao`.
    var objectPathArray: [String]? {
        guard case .array(.objectPath, let items) = self else { return nil }
        return items.compactMap(\.objectPath)
    }

    var fields: [DBusValue]? {
        if case .structure(let fields) = self { fields } else { nil }
    }

    var entries: [Entry]? {
        if case .dictionary(_, _, let entries) = self { entries } else { nil }
    }
}
