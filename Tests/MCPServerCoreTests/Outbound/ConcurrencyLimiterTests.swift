import Testing

@testable import MCPServerCore

/// The bounded running places and line behind the address-lookup, bcrypt and document-fetch caps.
@Suite("Outbound: concurrency limiter", .timeLimit(.minutes(1)))
struct ConcurrencyLimiterTests {
    @Test("running places first, then the line; past both, refused at once")
    func refusesPastTheLine() throws {
        let limiter = ConcurrencyLimiter(maxRunning: 2, maxWaiting: 1)
        let first = try #require(limiter.enter())
        let second = try #require(limiter.enter())
        #expect(limiter.taken == (running: 2, waiting: 0))
        let third = try #require(limiter.enter())
        #expect(limiter.taken == (running: 2, waiting: 1))
        #expect(limiter.enter() == nil)
        #expect(limiter.taken == (running: 2, waiting: 1))
        for ticket in [first, second, third] { limiter.leave(ticket) }
        #expect(limiter.taken == (running: 0, waiting: 0))
    }

    @Test("no line: everything past the running places is refused")
    func noLine() throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 0)
        let only = try #require(limiter.enter())
        #expect(limiter.enter() == nil)
        limiter.leave(only)
        let next = try #require(limiter.enter())
        limiter.leave(next)
    }

    @Test("a running place that is left goes to the first in line, in order")
    func handsOverInOrder() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 2)
        let running = try #require(limiter.enter())
        let first = try #require(limiter.enter())
        let second = try #require(limiter.enter())
        // Waits in line until `running` leaves, whichever happens first.
        let waiter = Task { try await limiter.wait(for: first) }
        limiter.leave(running)
        try await waiter.value
        #expect(limiter.taken == (running: 1, waiting: 1))
        limiter.leave(first)
        try await limiter.wait(for: second)
        #expect(limiter.taken == (running: 1, waiting: 0))
        limiter.leave(second)
        // Leaving twice changes nothing.
        limiter.leave(second)
        #expect(limiter.taken == (running: 0, waiting: 0))
    }

    @Test("a waiter that is cancelled gives up its place in line")
    func cancelledWaiterLeavesTheLine() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 1)
        let running = try #require(limiter.enter())
        let queued = try #require(limiter.enter())
        #expect(limiter.enter() == nil)
        let waiter = Task { try await limiter.wait(for: queued) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(limiter.taken == (running: 1, waiting: 0))
        // Its place is free for someone else, and leaving the cancelled ticket does nothing.
        let next = try #require(limiter.enter())
        limiter.leave(queued)
        #expect(limiter.taken == (running: 1, waiting: 1))
        limiter.leave(running)
        try await limiter.wait(for: next)
        limiter.leave(next)
        #expect(limiter.taken == (running: 0, waiting: 0))
    }

    @Test("run refuses with the caller's error when full, and frees its place when done")
    func run() async throws {
        struct Full: Error {}
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 0)
        #expect(try await limiter.run(refusing: Full()) { 42 } == 42)
        let held = try #require(limiter.enter())
        await #expect(throws: Full.self) { try await limiter.run(refusing: Full()) { 0 } }
        limiter.leave(held)
        #expect(try await limiter.run(refusing: Full()) { 7 } == 7)
        #expect(limiter.taken == (running: 0, waiting: 0))
    }
}
