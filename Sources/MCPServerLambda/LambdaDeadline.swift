/// Lambda kills a function at its deadline, so a request still running shortly before it is abandoned and
/// answered instead: the caller gets a 504, not a dropped connection.
enum LambdaDeadline {
    /// How long before the deadline a running request is given up.
    static let margin: Duration = .milliseconds(100)

    /// Runs `operation`, or returns `nil` once `remaining` (less the margin) has passed; the operation is then
    /// cancelled. No deadline: it simply runs.
    static func run<Value: Sendable>(
        remaining: Duration?,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        guard let remaining else { return try await operation() }
        let budget = max(remaining - Self.margin, .zero)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: budget)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
