/// Runs one piece of work at a time: callers that arrive while it runs get its outcome instead of starting their
/// own (connecting, switching transports, recovering a lost session, fetching a token, finding the server's era).
///
/// The work runs in a task of its own, so a caller that is cancelled stops waiting at once (the host gave up, or
/// the bridge is shutting down) without cancelling the work the others share.
actor SingleFlight<Value: Sendable> {
    private var running: OneShot<Value>?

    /// Whether work is running now.
    var isRunning: Bool { self.running != nil }

    /// The outcome of the work running now, or of `work` when nothing runs.
    func run(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await self.join(starting: work).value
    }

    /// The outcome of the work running now, if any, without starting anything.
    func current() -> OneShot<Value>? { self.running }

    /// The work running now, or `work` started; the caller awaits its value (and may stop awaiting).
    func join(starting work: @escaping @Sendable () async throws -> Value) -> OneShot<Value> {
        if let running { return running }
        let outcome = OneShot<Value>()
        self.running = outcome
        Task {
            let result: Result<Value, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            // Cleared first: a caller arriving after the outcome is set starts the work again.
            self.finished(outcome)
            outcome.complete(result)
        }
        return outcome
    }

    private func finished(_ outcome: OneShot<Value>) {
        if self.running === outcome { self.running = nil }
    }
}
