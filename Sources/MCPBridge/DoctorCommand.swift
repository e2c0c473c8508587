import ArgumentParser
import MCPBridgeCore
import MCPCommandLine

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `mcp-bridge doctor <url>`: checks every step to a working session and says how to fix the first that fails.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check DNS, TCP, TLS, the endpoint, discovery, registration, token, initialize and tools/list."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        // Quiet by default: the steps say what happens.
        let context = try self.connection.makeContext(defaultLogLevel: .error)
        let settings = context.settings
        print("Checking \(settings.serverURL.absoluteString)")
        let passed = await Doctor(context: context).run { step in
            print("\(step.passed ? "✓" : "✗") \(step.name): \(step.detail)")
            if let fix = step.fix { print("  → \(fix)") }
        }
        await context.shutdown()
        if !passed { throw ExitCode(1) }
        print("All good: add it to your client with `mcp-bridge install claude \(self.connection.url)`.")
    }
}
