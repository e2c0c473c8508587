public import Foundation

/// A child process a test starts: mcp-server, mcp-bridge, a Python helper, a script, a CLI command.
///
/// Its stdout and stderr are read line by line as they come into ``ProcessLog``s that tests await (never sleep).
/// A child that serves reports its port in a ``ReadyLine``, which ``ready(timeout:)`` awaits. Every child is
/// stopped when the test that started it ends (SIGTERM, then SIGKILL after its grace period): suites that start
/// children carry the ``ChildProcesses`` trait (`.childProcesses`), and a child started without it is an issue.
public final class ChildProcess: Sendable {
    /// What was started, for failure messages.
    public let name: String
    /// Every line the child wrote to stdout.
    public let stdout: ProcessLog
    /// Every line the child wrote to stderr.
    public let stderr: ProcessLog
    private let process: Process
    private let input: FileHandle?
    private let exit: ExitStatus
    private let readiness = LockedValue<ReadyLine?>(nil)
    /// How long ``stop()`` lets the child finish after SIGTERM before it sends SIGKILL.
    let grace: Duration

    /// Starts `executable arguments`.
    ///
    /// - Parameters:
    ///   - environment: added to this process's environment, minus the variables that would steer the child from
    ///     the developer's shell (`MCP_SERVER_*`, `MCP_BRIDGE_*`, `AWS_*`, `*_proxy`); with `inheritEnvironment`
    ///     `false`, the child's whole environment.
    ///   - standardInput: `true` gives the child a pipe that ``send(_:)`` writes to; otherwise it reads
    ///     `/dev/null`.
    ///   - grace: how long the child has to exit after SIGTERM when it is stopped.
    public init(
        _ executable: URL,
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = true,
        standardInput: Bool = false,
        grace: Duration = .seconds(10)
    ) throws {
        let name = ([executable.lastPathComponent] + arguments.prefix(2)).joined(separator: " ")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment.filter { !Self.steers($0.key) } : [:]
        env.merge(environment) { _, new in new }
        process.environment = env
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = standardInput ? Pipe() : nil
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin ?? FileHandle.nullDevice
        self.name = name
        self.stdout = ProcessLog(name: "\(name) stdout")
        self.stderr = ProcessLog(name: "\(name) stderr")
        self.exit = ExitStatus(process)
        self.grace = grace
        try process.run()
        self.process = process
        self.input = stdin?.fileHandleForWriting
        for (handle, log) in [(stdout.fileHandleForReading, self.stdout), (stderr.fileHandleForReading, self.stderr)] {
            let lines = LineStream.lines(of: handle)
            Task.detached {
                for await line in lines { log.append(line) }
                log.finish()
            }
        }
        ChildProcesses.adopt(self)
    }

    /// Variables of the test runner's environment a child does not inherit.
    static func steers(_ name: String) -> Bool {
        name.hasPrefix("MCP_SERVER_") || name.hasPrefix("MCP_BRIDGE_") || name.hasPrefix("AWS_")
            || name.lowercased().hasSuffix("_proxy")
    }

    public var processIdentifier: Int32 { self.process.processIdentifier }
    public var isRunning: Bool { self.process.isRunning }

    // MARK: Ready line

    /// Awaits the child's ``ReadyLine`` on stderr; throws (with its stderr) if it exits or times out first.
    @discardableResult
    public func ready(timeout: Duration = .seconds(60)) async throws -> ReadyLine {
        let line = try await self.stderr.line(timeout: timeout) { ReadyLine($0) != nil }
        let ready = ReadyLine(line)!
        self.readiness.set(ready)
        return ready
    }

    /// The port from the ready line; ``ready(timeout:)`` must have returned.
    public var port: Int { self.readyLine.port }

    /// The MCP endpoint: the URL mcp-server named in its ready line, or `/mcp` on a helper's port.
    public var mcpURL: URL { self.readyLine.url ?? URL(string: "http://127.0.0.1:\(self.port)/mcp")! }

    private var readyLine: ReadyLine {
        guard let ready = self.readiness.value else { preconditionFailure("\(self.name): await ready() first") }
        return ready
    }

    // MARK: Input

    /// Writes `line` and a newline to the child's stdin.
    public func send(_ line: String) {
        self.write(Data((line + "\n").utf8))
    }

    /// Writes raw bytes to the child's stdin.
    public func write(_ bytes: Data) {
        guard let input = self.input else { preconditionFailure("\(self.name) was started without standardInput") }
        input.write(bytes)
    }

    /// Closes the child's stdin, as a desktop app does when it quits.
    public func closeInput() {
        try? self.input?.close()
    }

    // MARK: Signals and exit

    /// Sends `signal` to the child.
    public func signal(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits for the child to exit and for what it wrote to be read to the end; returns its status.
    public func waitForExit() async -> Int32 {
        let status = await self.exit.wait()
        // The pipes reach end of file when the child exits, unless something it started still holds them.
        await self.stdout.waitUntilFinished(timeout: .seconds(10))
        await self.stderr.waitUntilFinished(timeout: .seconds(10))
        return status
    }

    /// Stops the child if it still runs: SIGTERM, then SIGKILL if it has not exited within its grace period.
    @discardableResult
    public func stop() async -> Int32 {
        if self.process.isRunning {
            self.signal(SIGTERM)
            if await self.exit.wait(timeout: self.grace) == nil { self.signal(SIGKILL) }
        }
        return await self.waitForExit()
    }

    /// The backstop for a child no ``ChildProcesses`` scope stopped: asked, then killed.
    deinit {
        guard self.process.isRunning else { return }
        let pid = self.process.processIdentifier
        let exit = self.exit
        kill(pid, SIGTERM)
        Deadline.after(self.grace) { if !exit.hasExited { kill(pid, SIGKILL) } }
    }
}
