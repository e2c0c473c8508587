public import ArgumentParser

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The environment as `mcp-server` and `mcp-bridge` read it: a flag on the command line wins over its variable,
/// and a variable set to the empty string counts as unset, so `MCP_SERVER_PORT=` and a host config's
/// `"MCP_BRIDGE_TIMEOUT": ""` fall back to the default just as a missing variable does.
public struct EnvironmentVariables: Sendable {
    private let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The value of `name`; `nil` when it is unset or empty.
    public subscript(_ name: String) -> String? {
        guard let value = self.values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The value of `name` read as a `Value`, the way the command line reads the flag it stands in for; `nil` when
    /// it is unset or empty.
    /// - Throws: `ValidationError` naming the variable when its value is not a `Value`.
    public func value<Value: ExpressibleByArgument>(_ name: String, as type: Value.Type = Value.self) throws -> Value? {
        guard let text = self[name] else { return nil }
        guard let value = Value(argument: text) else { throw Self.invalid(name, text, as: Value.self) }
        return value
    }

    /// `option` when the command line gave it, else variable `name`, else the option's default.
    public func resolve<Value>(_ option: OptionValue<Value>, env name: String) throws -> Value {
        if case .given(let value) = option { return value }
        return try self.value(name, as: Value.self) ?? option.value
    }

    /// `flag` when the command line gave it, else variable `name`, else `nil`.
    public func resolve<Value: ExpressibleByArgument>(_ flag: Value?, env name: String) throws -> Value? {
        if let flag { return flag }
        return try self.value(name, as: Value.self)
    }

    /// A repeatable flag's values when the command line gave any, else the comma-separated list in variable `name`.
    public func list(_ flags: [String], env name: String) -> [String] {
        if !flags.isEmpty { return flags }
        return (self[name] ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    private static func invalid<Value: ExpressibleByArgument>(
        _ name: String,
        _ text: String,
        as type: Value.Type
    ) -> ValidationError {
        let expected: String
        if !Value.allValueStrings.isEmpty {
            expected = "one of " + Value.allValueStrings.joined(separator: ", ")
        } else if Value.self is any BinaryInteger.Type {
            expected = "a whole number"
        } else {
            expected = "a valid value"
        }
        return ValidationError("\(name)=\(text) is not \(expected)")
    }
}

extension Substring {
    /// Without leading and trailing white space (`Character.isWhitespace`). Written here because
    /// `trimmingCharacters(in:)` is not in FoundationEssentials and this module does not depend on MCPWire, which
    /// has the public one.
    fileprivate func trimmingWhitespace() -> String {
        guard let first = self.firstIndex(where: { !$0.isWhitespace }),
            let last = self.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
