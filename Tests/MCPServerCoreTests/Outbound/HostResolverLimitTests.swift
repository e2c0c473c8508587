import Dispatch
import MCPWire
import NIOPosix
import Testing

@testable import MCPServerCore

/// The cap on address lookups in flight: a nameserver that never answers holds a lookup thread until the system
/// resolver gives up, so past the cap a lookup fails at once, and one abandoned at its timeout still counts.
@Suite("Outbound: address lookup cap", .timeLimit(.minutes(1)))
struct HostResolverLimitTests {
    static let answer = [IPAddress("192.0.2.7")!]

    @Test("the process-wide lookups have their own threads and a cap of their own")
    func defaults() {
        #expect(SystemHostResolver.threadCount == 4)
        #expect(SystemHostResolver.maxLookupsInFlight == 16)
    }

    @Test("past the cap a lookup is refused at once; an abandoned one keeps its place until its thread returns")
    func cap() async throws {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let limiter = ConcurrencyLimiter(maxRunning: 2, maxWaiting: 0)
        // Stand-ins for names whose nameserver never answers: their lookups block until the test releases them.
        let stuck = ["a.test": DispatchSemaphore(value: 0), "b.test": DispatchSemaphore(value: 0)]
        let (started, startedContinuation) = AsyncStream.makeStream(of: String.self)
        let resolver = SystemHostResolver(pool: pool, limiter: limiter) { host in
            startedContinuation.yield(host)
            stuck[host]?.wait()
            return Self.answer
        }

        // Whatever happens, the stuck threads are released and the pool shut down before the test ends.
        do {
            try await Self.exercise(resolver, limiter: limiter, stuck: stuck, started: started)
        } catch {
            Issue.record(error)
        }
        for release in stuck.values { release.signal() }
        // Shutting down waits for the threads, which leave their places on the way out.
        try await pool.shutdownGracefully()
        #expect(limiter.taken == (running: 0, waiting: 0))
    }

    private static func exercise(
        _ resolver: SystemHostResolver,
        limiter: ConcurrencyLimiter,
        stuck: [String: DispatchSemaphore],
        started: AsyncStream<String>
    ) async throws {
        let a = Task { try await resolver.addresses(of: "a.test") }
        let b = Task { try await resolver.addresses(of: "b.test") }
        var iterator = started.makeAsyncIterator()
        let first = await iterator.next()
        let second = await iterator.next()
        #expect(Set([first, second]) == ["a.test", "b.test"])

        await Self.expectBusy(resolver)
        // b's caller gives up, as the fetcher's timeout does: it returns at once, its thread stays stuck.
        b.cancel()
        await #expect(throws: CancellationError.self) { try await b.value }
        await Self.expectBusy(resolver)

        // a's lookup returns: its place is free before its answer is delivered.
        stuck["a.test"]!.signal()
        #expect(try await a.value == Self.answer)
        #expect(limiter.taken.running == 1)
        #expect(try await resolver.addresses(of: "c.test") == Self.answer)
        #expect(limiter.taken.running == 1)
    }

    private static func expectBusy(_ resolver: SystemHostResolver) async {
        let error = await #expect(throws: OutboundFetchError.self) {
            try await resolver.addresses(of: "c.test")
        }
        #expect(error?.kind == .busy)
        #expect(error?.description == "too many address lookups are in progress; try again")
    }
}
