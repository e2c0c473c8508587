public import ArgumentParser
public import MCPServerCore
import MCPWire

// `init?(argument:)` is the list's own parser (MCPServerCore has no ArgumentParser). The protocol is written with its
// module's name, which tells the compiler this conformance of a type from another module is intended.
extension ServedProtocolVersions: ArgumentParser.ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }

    public var defaultValueDescription: String { self.description }

    /// What a list may name (comma-separated).
    public static var allValueStrings: [String] {
        ["all", "legacy", "modern"] + MCPProtocolVersion.all.map(\.rawValue)
    }
}
