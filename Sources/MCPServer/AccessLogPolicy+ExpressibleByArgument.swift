public import ArgumentParser
import MCPServerCore

// `init?(argument:)` is the policy's own parser (MCPServerCore has no ArgumentParser). The protocol is written with
// its module's name, which tells the compiler this conformance of a type from another module is intended.
extension AccessLogPolicy: ArgumentParser.ExpressibleByArgument {
    /// `--access-log`, else `MCP_SERVER_ACCESS_LOG`, else ``AccessLogPolicy/default``.
    static func resolve(_ flag: AccessLogPolicy?, environment: [String: String]) throws -> AccessLogPolicy {
        if let flag { return flag }
        guard let text = environment["MCP_SERVER_ACCESS_LOG"], !text.isEmpty else { return .default }
        guard let policy = AccessLogPolicy(argument: text) else {
            throw ValidationError("MCP_SERVER_ACCESS_LOG=\(text) is not all, errors or sample:N (N ≥ 1)")
        }
        return policy
    }
}
