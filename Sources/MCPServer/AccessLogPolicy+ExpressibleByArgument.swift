public import ArgumentParser
public import MCPServerCore

// `init?(argument:)` is the policy's own parser (MCPServerCore has no ArgumentParser). The protocol is written with
// its module's name, which tells the compiler this conformance of a type from another module is intended.
extension AccessLogPolicy: ArgumentParser.ExpressibleByArgument {
    /// The forms the help screen lists (N is a number of requests, 1 or more).
    public static var allValueStrings: [String] { ["all", "errors", "sample:N"] }
}
