import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import MCPServerCore
import Testing

@Suite("Access log policy")
struct AccessLogPolicyTests {
    static let parsed: [(String, AccessLogPolicy)] = [
        ("all", .all), ("errors", .errors), ("sample:1", .sample(every: 1)), ("sample:100", .sample(every: 100)),
        ("ERRORS", .errors), ("Sample:7", .sample(every: 7)),
    ]

    @Test("parses all, errors and sample:N", arguments: AccessLogPolicyTests.parsed)
    func parses(text: String, policy: AccessLogPolicy) {
        #expect(AccessLogPolicy(argument: text) == policy)
    }

    @Test(
        "refuses anything else",
        arguments: [
            "", "none", "sample", "sample:", "sample:0", "sample:-1", "sample:+3", "sample: 3", "sample:3 ", "sample:x",
            "sample:3.5", "sample:99999999999999999999999", " all", "errors,all", "sample:٣",
        ]
    )
    func refuses(text: String) {
        #expect(AccessLogPolicy(argument: text) == nil)
    }

    @Test("description is what parses back", arguments: [AccessLogPolicy.all, .errors, .sample(every: 25)])
    func roundTrips(policy: AccessLogPolicy) {
        #expect(AccessLogPolicy(argument: policy.description) == policy)
    }

    @Test("the default keeps failures and slow requests, not every success")
    func defaultIsErrors() {
        #expect(AccessLogPolicy.default == .errors)
        #expect(AccessLogPolicy.slowRequestThreshold == .seconds(1))
    }

    static let fast = Duration.milliseconds(3)
    static let slow = AccessLogPolicy.slowRequestThreshold

    @Test("errors: status 400 and above, or slow; never a fast success")
    func errorsDecision() {
        let policy = AccessLogPolicy.errors
        for status in [200, 201, 202, 204, 302, 399] {
            #expect(!policy.shouldLog(status: status, duration: Self.fast, sampleIndex: 0), "\(status)")
            #expect(policy.shouldLog(status: status, duration: Self.slow, sampleIndex: 0), "slow \(status)")
        }
        for status in [400, 401, 403, 404, 413, 429, 500, 503, 504] {
            #expect(policy.shouldLog(status: status, duration: Self.fast, sampleIndex: 7), "\(status)")
        }
        #expect(!policy.countsTowardsSample(status: 200, duration: Self.fast))
    }

    @Test("all: every request")
    func allDecision() {
        for status in [200, 204, 401, 500] {
            #expect(AccessLogPolicy.all.shouldLog(status: status, duration: Self.fast, sampleIndex: 5))
        }
        #expect(!AccessLogPolicy.all.countsTowardsSample(status: 200, duration: Self.fast))
    }

    @Test("sample:N: the first and every N-th success, and every failure or slow request outside the count")
    func sampleDecision() {
        let policy = AccessLogPolicy.sample(every: 4)
        let logged = (0..<12).filter { policy.shouldLog(status: 200, duration: Self.fast, sampleIndex: UInt64($0)) }
        #expect(logged == [0, 4, 8])
        #expect(policy.countsTowardsSample(status: 200, duration: Self.fast))
        #expect(!policy.countsTowardsSample(status: 500, duration: Self.fast))
        #expect(!policy.countsTowardsSample(status: 200, duration: Self.slow))
        #expect(policy.shouldLog(status: 401, duration: Self.fast, sampleIndex: 1))
        #expect(policy.shouldLog(status: 200, duration: Self.slow, sampleIndex: 1))
        #expect(AccessLogPolicy.sample(every: 1).shouldLog(status: 200, duration: Self.fast, sampleIndex: 3))
    }

    /// A router with only the middleware and routes answering 200, 401 and 500, logging into `logs`.
    func app(policy: AccessLogPolicy, logs: InMemoryLogHandler) -> some ApplicationProtocol {
        let router = Router(context: LocalRequestContext.self)
        router.addMiddleware { RequestLogMiddleware<LocalRequestContext>(policy: policy) }
        router.get("/ok") { _, _ -> HTTPResponse.Status in .ok }
        router.get("/refused") { _, _ -> HTTPResponse.Status in .unauthorized }
        router.get("/fail") { _, _ -> HTTPResponse.Status in throw HTTPError(.internalServerError) }
        return Application(router: router, logger: logs.logger)
    }

    func requestLines(_ logs: InMemoryLogHandler) -> [InMemoryLogHandler.Entry] {
        logs.entries.filter { $0.message == "Request" }
    }

    @Test("the middleware under errors: a line for 401 and 500, none for 200")
    func middlewareLogsFailuresOnly() async throws {
        let logs = InMemoryLogHandler.everything()
        try await self.app(policy: .errors, logs: logs).test(.router) { client in
            for uri in ["/ok", "/ok", "/refused", "/ok", "/fail"] {
                _ = try await client.execute(uri: uri, method: .get)
            }
        }
        let lines = self.requestLines(logs)
        #expect(lines.map { $0.value("status") } == ["401", "500"])
        #expect(lines.map(\.level) == [.info, .error])
        #expect(lines.first?.value("path") == "/refused")
        #expect(lines.first?.value("duration_ms") != nil)
    }

    @Test("the middleware under sample:3: successes 1, 4 and 7 of 7, and every failure")
    func middlewareSamplesSuccesses() async throws {
        let logs = InMemoryLogHandler.everything()
        try await self.app(policy: .sample(every: 3), logs: logs).test(.router) { client in
            for index in 0..<7 {
                _ = try await client.execute(uri: "/ok?n=\(index)", method: .get)
                if index == 1 { _ = try await client.execute(uri: "/refused", method: .get) }
            }
        }
        let lines = self.requestLines(logs)
        #expect(lines.map { $0.value("status") } == ["200", "401", "200", "200"])
        // The query (which may hold secrets) is never logged, so the sample is seen through the count only.
        #expect(lines.allSatisfy { $0.value("path")?.contains("?") == false })
    }

    @Test("the middleware under all: every request, as before")
    func middlewareLogsEverything() async throws {
        let logs = InMemoryLogHandler.everything()
        try await self.app(policy: .all, logs: logs).test(.router) { client in
            for uri in ["/ok", "/refused", "/ok"] {
                _ = try await client.execute(uri: uri, method: .get)
            }
        }
        #expect(self.requestLines(logs).map { $0.value("status") } == ["200", "401", "200"])
    }
}
