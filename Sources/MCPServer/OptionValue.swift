import ArgumentParser
import Foundation

/// Resolves an option the way every `mcp-server` flag works: the flag, else its environment variable,
/// else the default.
struct OptionValue {
    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    func string(_ flag: String?, env: String, default fallback: String) -> String {
        flag ?? self.environment[env].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    func optionalString(_ flag: String?, env: String) -> String? {
        flag ?? self.environment[env].flatMap { $0.isEmpty ? nil : $0 }
    }

    func integer(_ flag: Int?, env: String, default fallback: Int, name: String) throws -> Int {
        if let flag { return flag }
        guard let text = self.environment[env], !text.isEmpty else { return fallback }
        guard let value = Int(text) else { throw ValidationError("\(env)=\(text) is not a number (\(name))") }
        return value
    }

    /// A repeatable flag; the environment variable holds a comma-separated list.
    func list(_ flags: [String], env: String) -> [String] {
        if !flags.isEmpty { return flags }
        return (self.environment[env] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
