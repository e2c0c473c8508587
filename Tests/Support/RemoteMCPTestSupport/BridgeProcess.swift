public import Foundation

/// The real `mcp-bridge` binary, launched the way Claude Desktop launches it: a command with arguments, talking
/// MCP over its stdin and stdout. Tests write lines and await the lines that come back.
public final class BridgeProcess: Sendable {
    public let process: Process
    /// Every line the bridge wrote to stdout (only JSON-RPC messages belong there).
    public let stdoutLines: LineCollector
    /// Every line the bridge wrote to stderr (its log).
    public let stderrLines: LineCollector
    private let input: FileHandle
    private let exit: ExitWaiter

    /// Starts `mcp-bridge <arguments>` with `environment` added to this process's (minus `MCP_BRIDGE_*`).
    public init(arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = try BuiltProduct.url(named: "mcp-bridge")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("MCP_BRIDGE_") && !$0.key.lowercased().hasSuffix("_proxy")
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        self.exit = ExitWaiter(process)
        self.stdoutLines = LineCollector()
        self.stderrLines = LineCollector()
        try process.run()
        self.process = process
        self.input = stdin.fileHandleForWriting
        for (handle, collector) in [
            (stdout.fileHandleForReading, self.stdoutLines), (stderr.fileHandleForReading, self.stderrLines),
        ] {
            let lines = LineStream.lines(of: handle)
            Task.detached {
                for await line in lines { collector.append(line) }
                collector.finish()
            }
        }
    }

    /// Writes `line` and a newline to the bridge's stdin.
    public func send(_ line: String) {
        self.input.write(Data((line + "\n").utf8))
    }

    /// Writes raw bytes to the bridge's stdin.
    public func sendRaw(_ bytes: Data) {
        self.input.write(bytes)
    }

    /// Closes the bridge's stdin, as a host does when it quits.
    public func closeInput() {
        try? self.input.close()
    }

    /// The first stdout line (seen or still to come) satisfying `predicate`; `nil` if stdout ends first.
    public func line(where predicate: @escaping (String) -> Bool) async -> String? {
        await self.stdoutLines.first(where: predicate)
    }

    /// Waits for the bridge to exit and returns its status.
    public func waitForExit() async -> Int32 {
        await self.exit.wait()
    }

    /// Stops the bridge if it still runs.
    public func terminate() {
        if self.process.isRunning { self.process.terminate() }
    }

    deinit {
        if self.process.isRunning { self.process.terminate() }
    }
}
