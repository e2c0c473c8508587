public import Foundation

/// A real `mcp-server` process on a free loopback port, for tests that need sockets, signals and logs.
public final class ServerProcess: Sendable {
    public let process: Process
    /// The MCP endpoint URL from the ready line.
    public let mcpURL: URL
    /// Every stderr line so far, the ready line included.
    public let stderrLines: LineCollector
    private let exit: ExitWaiter

    /// Starts `mcp-server serve --host 127.0.0.1 --port <port> <arguments>` and waits for its ready line.
    public init(arguments: [String], environment: [String: String] = [:], port: Int = 0) async throws {
        let process = Process()
        process.executableURL = try BuiltProduct.url(named: "mcp-server")
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port)] + arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MCP_SERVER_") }
        env.merge(environment) { _, new in new }
        process.environment = env
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        let exit = ExitWaiter(process)
        let collector = LineCollector()
        try process.run()
        self.process = process
        self.exit = exit
        self.stderrLines = collector
        let lines = LineStream.lines(of: stderr.fileHandleForReading)
        var found: URL?
        var iterator = lines.makeAsyncIterator()
        while let line = await iterator.next() {
            collector.append(line)
            if line.contains("mcp-server ready"),
                let range = line.range(of: #"http://[^"\s]+/mcp"#, options: .regularExpression)
            {
                found = URL(string: String(line[range]))
                break
            }
        }
        guard let found else {
            throw ServerDidNotStart(stderr: collector.lines.joined(separator: "\n"))
        }
        self.mcpURL = found
        // Keep collecting the rest of stderr in the background for log assertions.
        let remaining = UncheckedIterator(iterator)
        Task.detached {
            var iterator = remaining.take()
            while let line = await iterator.next() { collector.append(line) }
            collector.finish()
        }
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits for the process to exit and returns its status.
    public func waitForExit() async -> Int32 {
        await self.exit.wait()
    }

    /// A server a test did not stop is killed when the test lets go of it, so no test leaves a process behind.
    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "mcp-server exited before its ready line; stderr:\n\(self.stderr)" }
    }
}

/// Hands a non-Sendable iterator to exactly one other task.
private final class UncheckedIterator: @unchecked Sendable {
    private let lock = NSLock()
    private var iterator: AsyncStream<String>.Iterator?

    init(_ iterator: AsyncStream<String>.Iterator) {
        self.iterator = iterator
    }

    func take() -> AsyncStream<String>.Iterator {
        self.lock.lock()
        defer { self.lock.unlock() }
        defer { self.iterator = nil }
        return self.iterator!
    }
}

/// Lines seen so far, and a way to wait for one that matches.
public final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    private var waiters: [(predicate: (String) -> Bool, continuation: CheckedContinuation<String?, Never>)] = []
    private var finished = false

    public init() {}

    public var lines: [String] {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.stored
    }

    public func append(_ line: String) {
        self.lock.lock()
        self.stored.append(line)
        var ready: [CheckedContinuation<String?, Never>] = []
        self.waiters.removeAll { waiter in
            guard waiter.predicate(line) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        self.lock.unlock()
        for continuation in ready { continuation.resume(returning: line) }
    }

    public func finish() {
        self.lock.lock()
        self.finished = true
        let waiting = self.waiters
        self.waiters = []
        self.lock.unlock()
        for waiter in waiting { waiter.continuation.resume(returning: nil) }
    }

    /// The first line (already seen or still to come) that satisfies `predicate`; `nil` if the stream ends first.
    public func first(where predicate: @escaping (String) -> Bool) async -> String? {
        await withCheckedContinuation { continuation in
            self.lock.lock()
            if let line = self.stored.first(where: predicate) {
                self.lock.unlock()
                continuation.resume(returning: line)
            } else if self.finished {
                self.lock.unlock()
                continuation.resume(returning: nil)
            } else {
                self.waiters.append((predicate, continuation))
                self.lock.unlock()
            }
        }
    }
}

/// Waits for a `Process` to exit without blocking a thread.
final class ExitWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    init(_ process: Process) {
        process.terminationHandler = { [self] process in
            self.lock.lock()
            self.status = process.terminationStatus
            let waiting = self.waiters
            self.waiters = []
            self.lock.unlock()
            for waiter in waiting { waiter.resume(returning: process.terminationStatus) }
        }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            self.lock.lock()
            if let status = self.status {
                self.lock.unlock()
                continuation.resume(returning: status)
            } else {
                self.waiters.append(continuation)
                self.lock.unlock()
            }
        }
    }
}
