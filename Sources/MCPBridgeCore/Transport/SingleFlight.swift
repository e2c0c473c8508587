/// Runs one piece of work at a time: callers that arrive while it runs wait for its outcome instead of starting
/// their own (connecting, switching transports, recovering a lost session).
actor SingleFlight {
    private var running: Task<Void, any Error>?

    func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        if let running {
            try await running.value
            return
        }
        let task = Task { try await work() }
        self.running = task
        defer { self.running = nil }
        try await task.value
    }
}
