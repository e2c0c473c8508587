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

/// A helper process (a Python SDK server, say) that prints a ready line on stderr.
public final class HelperProcess: Sendable {
    public let process: Process
    public let stderrLines: LineCollector
    private let exit: ExitWaiter

    /// Starts `executable arguments` and waits until a stderr line contains `readyMarker`.
    public init(
        executable: String,
        arguments: [String],
        readyMarker: String,
        environment: [String: String] = [:]
    ) async throws {
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
        guard await collector.first(where: { $0.contains(readyMarker) }) != nil else {
            throw HelperDidNotStart(stderr: collector.lines.joined(separator: "\n"))
        }
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

/// A free TCP port on 127.0.0.1 (bound and released; a server started right after gets it).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
