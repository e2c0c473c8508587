import Testing

@testable import MCPBridgeCore

@Suite("OneShot and SingleFlight", .timeLimit(.minutes(1)))
struct OneShotTests {
    @Test("every waiter gets the value; one set before anyone waits is kept; a second set is ignored")
    func manyWaiters() async throws {
        let shot = OneShot<Int>()
        let ready = Recorder<Int>()
        let waiters = (0..<8).map { index in
            Task {
                ready.append(index)
                return try await shot.value
            }
        }
        try await ready.waitForCount(8)
        #expect(shot.succeed(42))
        #expect(!shot.succeed(7))
        for waiter in waiters { #expect(try await waiter.value == 42) }
        #expect(try await shot.value == 42)
    }

    @Test("a cancelled waiter stops waiting; the others still get the value")
    func cancelledWaiter() async throws {
        let shot = OneShot<String>()
        let cancelled = Task { try await shot.value }
        let patient = Task { try await shot.value }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        shot.succeed("answer")
        #expect(try await patient.value == "answer")
    }

    @Test("a failure reaches every waiter")
    func failure() async throws {
        let shot = OneShot<Void>()
        shot.fail(BridgeError.shuttingDown)
        await #expect(throws: BridgeError.self) { try await shot.value }
    }

    @Test("SingleFlight runs work again once the last run has finished, and passes on its failure")
    func singleFlightRunsAgain() async throws {
        let flight = SingleFlight<Int>()
        let runs = Recorder<Int>()
        for expected in 1...3 {
            let value = try await flight.run {
                runs.append(expected)
                return expected
            }
            #expect(value == expected)
        }
        #expect(runs.items == [1, 2, 3])
        await #expect(throws: BridgeError.self) {
            try await flight.run { throw BridgeError.shuttingDown }
        }
    }
}
