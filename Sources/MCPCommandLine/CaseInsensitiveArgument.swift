public import ArgumentParser

/// An enum option whose values are its lower-case raw values, accepted in any case: `--log-level DEBUG` and
/// `MCP_SERVER_LOG_LEVEL=Debug` both mean `debug`. The help screen lists the values.
public protocol CaseInsensitiveArgument: ExpressibleByArgument, CaseIterable, RawRepresentable
where RawValue == String {}

extension CaseInsensitiveArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }

    public var defaultValueDescription: String { self.rawValue }
    public static var allValueStrings: [String] { Self.allCases.map(\.rawValue) }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(Self.allValueStrings) }
}
