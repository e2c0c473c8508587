/// Runs one piece of work at a time: callers that arrive while it runs get its outcome instead of starting their
/// own (connecting, switching transports, recovering a lost session, fetching a token).
///
/// The work runs in a task of its own, so a caller that is cancelled stops waiting without cancelling the work
/// the others share.
actor SingleFlight<Value: Sendable> {
    private var running: Task<Value, any Error>?

    /// The outcome of the work running now, or of `work` when nothing runs.
    func run(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let running { return try await running.value }
        let task = Task { try await work() }
        self.running = task
        defer { self.running = nil }
        return try await task.value
    }
}
