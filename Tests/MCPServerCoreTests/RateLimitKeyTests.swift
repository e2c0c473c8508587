import Foundation
import HTTPTypes
import HummingbirdTesting
import MCPWire
import Testing

@testable import MCPServerCore

/// Who rate limits count: the caller behind a trusted proxy, IPv6 by /64, failures per address and successes
/// per client, and registration attempts before the policy check.
@Suite("Rate limit keys")
struct RateLimitKeyTests {
    /// Runs `body` until one run falls inside one clock minute (the limits count per fixed minute, so a run
    /// that straddles a boundary starts a fresh count half-way and proves nothing).
    static func withinOneMinute<T>(_ body: () async throws -> T) async throws -> T {
        for attempt in 1...3 {
            let minute = Int(Date().timeIntervalSince1970 / 60)
            let value = try await body()
            if Int(Date().timeIntervalSince1970 / 60) == minute || attempt == 3 { return value }
        }
        fatalError("unreachable")
    }

    static let loopback = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]

    static func badToken(_ client: some TestClientProtocol, from ip: String) async throws -> HTTPAnswer {
        try await client.request(
            .post,
            "/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": ip],
            body: "grant_type=client_credentials&client_id=mcp_nobody&client_secret=guess"
        )
    }

    @Test func failuresCountPerCallerAndNeverLockOutAClientThatAuthenticates() async throws {
        let statuses = try await Self.withinOneMinute {
            let harness = try await AuthHarness.make(
                configuration: AuthConfiguration(tokenFailuresPerMinutePerIP: 3),
                trustedProxies: Self.loopback
            )
            return try await harness.app.test(.live) { client in
                let good = try await client.registeredClient()
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<4 { statuses.append(try await Self.badToken(client, from: "203.0.113.9").status) }
                // The same address, with the right secret: served.
                let basic = Data("\(good.id):\(good.secret)".utf8).base64EncodedString()
                statuses.append(
                    try await client.request(
                        .post,
                        "/token",
                        headers: [
                            "Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)",
                            "X-Forwarded-For": "203.0.113.9",
                        ],
                        body: "grant_type=client_credentials"
                    ).status
                )
                // Another caller behind the same proxy is not affected by the first one's failures.
                statuses.append(try await Self.badToken(client, from: "203.0.113.10").status)
                // IPv6 callers count per /64: two addresses of one /64 share a count, another /64 does not.
                for _ in 0..<3 { _ = try await Self.badToken(client, from: "2001:db8::1") }
                statuses.append(try await Self.badToken(client, from: "2001:db8::ffff").status)
                statuses.append(try await Self.badToken(client, from: "2001:db8:0:1::1").status)
                return statuses
            }
        }
        #expect(
            statuses == [
                .unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .ok, .unauthorized, .tooManyRequests,
                .unauthorized,
            ]
        )
    }

    @Test func forwardedAddressesAreIgnoredUnlessThePeerIsTrusted() async throws {
        let statuses = try await Self.withinOneMinute {
            let harness = try await AuthHarness.make(configuration: AuthConfiguration(tokenFailuresPerMinutePerIP: 2))
            return try await harness.app.test(.live) { client in
                var statuses: [HTTPResponse.Status] = []
                // Rotating X-Forwarded-For buys nothing: every attempt counts against the real peer.
                for index in 0..<3 {
                    statuses.append(try await Self.badToken(client, from: "198.51.100.\(index)").status)
                }
                return statuses
            }
        }
        #expect(statuses == [.unauthorized, .unauthorized, .tooManyRequests])
    }

    @Test func guessesAtTheInitialAccessTokenAreCounted() async throws {
        let statuses = try await Self.withinOneMinute {
            let harness = try await AuthHarness.make(
                configuration: AuthConfiguration(
                    registration: .token,
                    initialAccessTokenHash: SecretToken.hash("operator-initial-token"),
                    registrationsPerMinutePerIP: 3
                )
            )
            return try await harness.app.test(.router) { client in
                var statuses: [HTTPResponse.Status] = []
                for guess in 0..<3 {
                    statuses.append(
                        try await client.register(headers: ["Authorization": "Bearer guess-\(guess)"]).status
                    )
                }
                statuses.append(
                    try await client.register(headers: ["Authorization": "Bearer operator-initial-token"]).status
                )
                return statuses
            }
        }
        #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests])
    }

    @Test func callersOutsideTheAllowedBlocksGet403BeforeAnything() async throws {
        let harness = try await AuthHarness.make(
            trustedProxies: Self.loopback,
            allowedNetworks: [IPNetwork("192.0.2.0/24")!]
        )
        try await harness.app.test(.live) { client in
            let outside = try await client.request(
                .get,
                "/.well-known/oauth-authorization-server",
                headers: ["X-Forwarded-For": "198.51.100.1"]
            )
            #expect(outside.status == .forbidden)
            let inside = try await client.request(
                .get,
                "/.well-known/oauth-authorization-server",
                headers: ["X-Forwarded-For": "192.0.2.77"]
            )
            #expect(inside.status == .ok)
            let registration = try await client.request(
                .post,
                "/dcr",
                headers: ["Content-Type": "application/json", "X-Forwarded-For": "198.51.100.1"],
                body: "{}"
            )
            #expect(registration.status == .forbidden)
        }
        #expect(try await harness.store.listClients().isEmpty)
    }
}
