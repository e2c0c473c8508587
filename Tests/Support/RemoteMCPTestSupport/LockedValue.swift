import Foundation

/// A value behind a lock, for the little shared state of the test helpers.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        self.stored = value
    }

    var value: Value {
        self.lock.withLock { self.stored }
    }

    func set(_ value: Value) {
        self.lock.withLock { self.stored = value }
    }

    func withValue<Result>(_ body: (inout Value) -> Result) -> Result {
        self.lock.withLock { body(&self.stored) }
    }
}
