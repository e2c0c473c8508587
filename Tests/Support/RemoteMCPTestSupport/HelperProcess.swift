public import Foundation

/// A helper process (a Python SDK server, say) that listens on a loopback port and says which.
///
/// The helper binds the port itself (port 0 lets the kernel choose) and then prints exactly `ready port=N` on
/// stderr. Choosing a free port here and handing it over would leave a window in which a parallel test can take
/// it; and the line is matched whole, because a marker found inside another line ("address already in use")
/// once let a test talk to another test's server.
public final class HelperProcess: Sendable {
    public let process: Process
    public let stderrLines: LineCollector
    /// The port the helper listens on.
    public let port: Int
    private let exit: ExitWaiter

    /// Starts `executable arguments` and waits for its `ready port=N` line.
    public init(executable: String, arguments: [String], environment: [String: String] = [:]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        self.exit = ExitWaiter(process)
        self.stderrLines = LineCollector()
        try process.run()
        self.process = process
        let lines = LineStream.lines(of: stderr.fileHandleForReading)
        let collector = self.stderrLines
        Task.detached {
            for await line in lines { collector.append(line) }
            collector.finish()
        }
        guard let ready = await collector.first(where: { Self.port(inReadyLine: $0) != nil }),
            let port = Self.port(inReadyLine: ready)
        else {
            throw HelperDidNotStart(stderr: collector.lines.joined(separator: "\n"))
        }
        self.port = port
    }

    /// The port in a line that is exactly `ready port=N`.
    static func port(inReadyLine line: String) -> Int? {
        let prefix = "ready port="
        guard line.hasPrefix(prefix), let port = Int(line.dropFirst(prefix.count)), port > 0 else { return nil }
        return port
    }

    public func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    public func waitForExit() async -> Int32 {
        await self.exit.wait()
    }

    /// Killed, not asked: uvicorn's graceful stop waits for open event streams, which a test may leave open.
    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }

    struct HelperDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "the helper exited before it was ready; stderr:\n\(self.stderr)" }
    }
}
