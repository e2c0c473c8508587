import Foundation

/// A child's exit status, awaited without blocking a thread.
final class ExitStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [Int: CheckedContinuation<Int32?, Never>] = [:]
    private var nextID = 0

    /// Must be made before the process runs: it sets the process's termination handler.
    init(_ process: Process) {
        process.terminationHandler = { [self] process in
            let status = process.terminationStatus
            let waiting = self.lock.withLock {
                self.status = status
                defer { self.waiters = [:] }
                return self.waiters.values
            }
            for waiter in waiting { waiter.resume(returning: status) }
        }
    }

    var hasExited: Bool {
        self.lock.withLock { self.status != nil }
    }

    /// The exit status, once the child has exited.
    func wait() async -> Int32 {
        // Without a timeout the answer is never nil.
        await self.wait(timeout: nil)!
    }

    /// The exit status, or `nil` if the child still runs after `timeout`.
    func wait(timeout: Duration?) async -> Int32? {
        let id = self.lock.withLock {
            self.nextID += 1
            return self.nextID
        }
        return await withCheckedContinuation { continuation in
            let status: Int32?? = self.lock.withLock {
                if let status = self.status { return .some(status) }
                self.waiters[id] = continuation
                return .none
            }
            if let status {
                return continuation.resume(returning: status)
            }
            if let timeout {
                Deadline.after(timeout) {
                    self.lock.withLock { self.waiters.removeValue(forKey: id) }?.resume(returning: nil)
                }
            }
        }
    }
}
