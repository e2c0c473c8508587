/// A JSON-RPC request id: a string or an integer (MCP forbids `null` and fractions).
///
/// The exact text is kept, so an id goes back to its sender exactly as it came.
public enum JSONRPCID: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(JSONNumber)

    /// An integer id.
    public init(_ value: Int) {
        self = .number(JSONNumber(value))
    }

    /// A string id.
    public init(_ value: String) {
        self = .string(value)
    }

    /// Reads an id from JSON; `nil` for any other type, for `null`, or for a number with a fraction.
    public init?(json: JSONValue) {
        switch json {
        case .string(let value): self = .string(value)
        case .number(let number) where number.isInteger: self = .number(number)
        default: return nil
        }
    }

    /// The id as JSON.
    public var json: JSONValue {
        switch self {
        case .string(let value): .string(value)
        case .number(let number): .number(number)
        }
    }

    public var description: String {
        switch self {
        case .string(let value): value
        case .number(let number): number.literal
        }
    }
}
