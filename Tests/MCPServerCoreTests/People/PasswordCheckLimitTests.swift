import NIOCore
import Testing

@testable import MCPServerCore

/// The process-wide cap on bcrypt work: a flood of password checks gets "busy" instead of an unbounded line in
/// front of everyone else's. The test holds the limiter's places itself, as checks in progress would.
@Suite("PasswordHasher: check cap", .timeLimit(.minutes(1)))
struct PasswordCheckLimitTests {
    static let password = "correct horse battery staple"

    @Test("the process-wide cap: twice the cores (at least four) running, a bounded line behind them")
    func defaults() throws {
        #expect(PasswordHasher.maxChecksRunning == max(4, 2 * System.coreCount))
        #expect(PasswordHasher.maxChecksWaiting == 4 * PasswordHasher.maxChecksRunning)
        let standard = PasswordHasher.standard.admission
        #expect(standard.maxRunning == PasswordHasher.maxChecksRunning)
        #expect(standard.maxWaiting == PasswordHasher.maxChecksWaiting)
        // Every hasher shares the one limit.
        #expect(try PasswordHasher(cost: 4).admission === standard)
    }

    @Test("with every place taken, verify, verifyUnknownPerson and hash are busy; with room in line they wait")
    func busy() async throws {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 1)
        let hasher = try PasswordHasher(cost: 4, admission: limiter)
        let hash = try await hasher.hash(Self.password)

        let running = try #require(limiter.enter())
        let queued = try #require(limiter.enter())
        await #expect(throws: PasswordHashingError.busy) { try await hasher.verify(Self.password, against: hash) }
        await #expect(throws: PasswordHashingError.busy) { try await hasher.verifyUnknownPerson(Self.password) }
        await #expect(throws: PasswordHashingError.busy) { try await hasher.hash(Self.password) }
        // Refusing the password's shape comes first: that answer does not depend on load.
        await #expect(throws: PasswordHashingError.emptyPassword) { try await hasher.verify("", against: hash) }

        // The running place passes to the one in line; the line has room again, so a check waits its turn.
        limiter.leave(running)
        try await limiter.wait(for: queued)
        let check = Task { try await hasher.verify(Self.password, against: hash) }
        limiter.leave(queued)
        #expect(try await check.value)
        #expect(limiter.taken == (running: 0, waiting: 0))
    }

    @Test("busy is worded for a person")
    func description() {
        #expect(
            PasswordHashingError.busy.description
                == "too many passwords are being checked right now; try again in a moment"
        )
    }
}
