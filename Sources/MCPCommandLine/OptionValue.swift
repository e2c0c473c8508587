public import ArgumentParser

/// An option's value and where it came from: the command line, or the default its declaration names.
///
/// The default is written once, in the declaration, and the help screen prints it from there; an environment
/// variable stands in for a flag that was not given (``EnvironmentVariables/resolve(_:env:)``), so the order is
/// flag, then variable, then default:
///
/// ```swift
/// @Option(help: "Port to listen on. (env: MCP_SERVER_PORT)")
/// var port: OptionValue<Int> = .default(8080)
/// ```
public enum OptionValue<Value: ExpressibleByArgument>: ExpressibleByArgument {
    /// Given on the command line.
    case given(Value)
    /// Not given: the declaration's default.
    case `default`(Value)

    public init?(argument: String) {
        guard let value = Value(argument: argument) else { return nil }
        self = .given(value)
    }

    /// The value, wherever it came from.
    public var value: Value {
        switch self {
        case .given(let value), .default(let value): value
        }
    }

    /// The same option with `value` as its default, for a host whose default differs from the one the help
    /// screen names (`--store` on Lambda); a value the command line gave stays.
    public func replacingDefault(with value: Value) -> Self {
        guard case .default = self else { return self }
        return .default(value)
    }

    public var defaultValueDescription: String { self.value.defaultValueDescription }
    public static var allValueStrings: [String] { Value.allValueStrings }
    public static var allValueDescriptions: [String: String] { Value.allValueDescriptions }
    public static var defaultCompletionKind: CompletionKind { Value.defaultCompletionKind }
}

extension OptionValue: Sendable where Value: Sendable {}
extension OptionValue: Equatable where Value: Equatable {}
