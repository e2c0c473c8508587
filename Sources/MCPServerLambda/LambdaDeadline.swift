import NIOConcurrencyHelpers

/// Lambda kills a function at its deadline, so a request still running shortly before it is abandoned and
/// answered instead: the caller gets a 504, not a dropped connection.
enum LambdaDeadline {
    /// How long before the deadline a running request is given up.
    static let margin: Duration = .milliseconds(100)

    /// Runs `operation`, or returns `nil` once `remaining` (less the margin) has passed. The operation is then
    /// cancelled but not waited for: one that ignores cancellation must not hold back the 504 (Lambda freezes
    /// the process after the answer anyway). No deadline: it simply runs.
    static func run<Value: Sendable>(
        remaining: Duration?,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        guard let remaining else { return try await operation() }
        let budget = max(remaining - Self.margin, .zero)
        let outcome = NIOLockedValueBox<CheckedContinuation<Value?, any Error>?>(nil)
        /// Resumes the caller once, with whichever finishes first.
        @Sendable func finish(_ result: Result<Value?, any Error>) {
            outcome.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.withLockedValue { $0 = continuation }
            let work = Task {
                do {
                    finish(.success(try await operation()))
                } catch {
                    finish(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: budget)
                work.cancel()
                finish(.success(nil))
            }
        }
    }
}
