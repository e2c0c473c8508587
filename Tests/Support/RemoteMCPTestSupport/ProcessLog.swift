public import Foundation

/// The lines a child process wrote to one of its streams: those seen so far, and a way to await one.
///
/// Tests await the line that says a thing happened instead of sleeping until it probably has; the wait has a time
/// limit, and running out of it fails the test with the log's last lines, not a hang until the suite's limit.
public final class ProcessLog: @unchecked Sendable {
    /// What the log is, for failure messages ("mcp-server stderr").
    public let name: String
    private let lock = NSLock()
    private var stored: [String] = []
    private var waiters: [Int: Waiter] = [:]
    private var nextID = 0
    private var ended = false
    private var endWaiters: [Int: CheckedContinuation<Void, Never>] = [:]

    private struct Waiter {
        let predicate: (String) -> Bool
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private enum Outcome {
        case found(String)
        case ended
        case timedOut
        case cancelled
    }

    public init(name: String = "output") {
        self.name = name
    }

    /// Every line so far.
    public var lines: [String] {
        self.lock.withLock { self.stored }
    }

    /// Whether the stream has ended (the child closed it, usually by exiting).
    public var isFinished: Bool {
        self.lock.withLock { self.ended }
    }

    /// Adds a line; the reader of the child's stream calls this.
    public func append(_ line: String) {
        let matched: [CheckedContinuation<Outcome, Never>] = self.lock.withLock {
            self.stored.append(line)
            let ids = self.waiters.filter { $0.value.predicate(line) }.map(\.key)
            return ids.compactMap { self.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in matched { continuation.resume(returning: .found(line)) }
    }

    /// Marks the end of the stream: waiters for lines that never came are told so.
    public func finish() {
        let (waiting, ending) = self.lock.withLock {
            self.ended = true
            defer {
                self.waiters = [:]
                self.endWaiters = [:]
            }
            return (self.waiters.values.map(\.continuation), self.endWaiters.values)
        }
        for continuation in waiting { continuation.resume(returning: .ended) }
        for continuation in ending { continuation.resume() }
    }

    /// The first line (already seen or still to come) satisfying `predicate`.
    ///
    /// Throws ``LineNotSeen`` (with the last lines of the log) when the stream ends first or `timeout` passes.
    /// `predicate` runs under the log's lock, on the reading thread: it must not read this log.
    @discardableResult
    public func line(
        timeout: Duration = .seconds(60),
        where predicate: @escaping (String) -> Bool
    ) async throws -> String {
        switch await self.outcome(of: predicate, timeout: timeout) {
        case .found(let line): return line
        case .ended: throw LineNotSeen(log: self.name, reason: "the stream ended first", tail: self.tail())
        case .timedOut: throw LineNotSeen(log: self.name, reason: "not within \(timeout)", tail: self.tail())
        case .cancelled: throw LineNotSeen(log: self.name, reason: "the test was cancelled", tail: self.tail())
        }
    }

    /// The first line (already seen or still to come) satisfying `predicate`; `nil` if the stream ends first or
    /// `timeout` passes. Prefer ``line(timeout:where:)``, whose failure says what was awaited.
    public func first(timeout: Duration = .seconds(60), where predicate: @escaping (String) -> Bool) async -> String? {
        if case .found(let line) = await self.outcome(of: predicate, timeout: timeout) { return line }
        return nil
    }

    /// Waits until the stream has ended, or `timeout` has passed; says which.
    @discardableResult
    public func waitUntilFinished(timeout: Duration) async -> Bool {
        let id = self.newID()
        await withCheckedContinuation { continuation in
            let waiting = self.lock.withLock {
                if !self.ended { self.endWaiters[id] = continuation }
                return !self.ended
            }
            guard waiting else { return continuation.resume() }
            Deadline.after(timeout) {
                self.lock.withLock { self.endWaiters.removeValue(forKey: id) }?.resume()
            }
        }
        return self.isFinished
    }

    private func newID() -> Int {
        self.lock.withLock {
            self.nextID += 1
            return self.nextID
        }
    }

    private func outcome(of predicate: @escaping (String) -> Bool, timeout: Duration) async -> Outcome {
        let id = self.newID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: Outcome? = self.lock.withLock {
                    if let line = self.stored.first(where: predicate) { return .found(line) }
                    if self.ended { return .ended }
                    self.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                    return
                }
                if Task.isCancelled { self.resolve(id, .cancelled) }
                Deadline.after(timeout) { self.resolve(id, .timedOut) }
            }
        } onCancel: {
            self.resolve(id, .cancelled)
        }
    }

    private func resolve(_ id: Int, _ outcome: Outcome) {
        let waiter = self.lock.withLock { self.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: outcome)
    }

    private func tail() -> String {
        let lines = self.lines
        let shown = lines.suffix(30)
        let skipped = lines.count - shown.count
        return ((skipped > 0 ? ["… \(skipped) earlier lines"] : []) + shown).joined(separator: "\n")
    }

    /// A line a test awaited did not come.
    public struct LineNotSeen: Error, CustomStringConvertible {
        public let log: String
        public let reason: String
        public let tail: String
        public var description: String {
            "no awaited line in \(self.log) (\(self.reason)); its last lines:\n\(self.tail)"
        }
    }
}

/// The name the Lambda tests know ``ProcessLog`` by (their `LambdaProcess` predates ``ChildProcess``).
public typealias LineCollector = ProcessLog

/// Runs a closure once a duration has passed, on a timer that does not depend on the caller's task: a wait must
/// still end when the test's task has been cancelled.
enum Deadline {
    static func after(_ duration: Duration, _ body: @escaping @Sendable () -> Void) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds)), execute: body)
    }
}
