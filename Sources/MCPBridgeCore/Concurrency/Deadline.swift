/// Runs `body`, giving up after `limit` with ``BridgeError/timeout(_:)`` naming `what`: for the exchanges the bridge
/// makes on its own (the era probe, its own `initialize` or `server/discover`), which a server could otherwise hold
/// open forever with keep-alives.
func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw BridgeError.timeout("\(what) got no answer within \(limit)")
        }
        return value
    }
}
