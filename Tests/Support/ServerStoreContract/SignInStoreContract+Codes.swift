import Foundation
import MCPServerCore
import Testing

extension SignInStoreContract {
    static func codeRedeemsOnce(_ store: any SignInStore) async throws {
        let code = Self.sampleCode("code-1")
        try await store.insertAuthorizationCode(code)
        await #expect(throws: ServerStoreError.duplicate) { try await store.insertAuthorizationCode(code) }

        var redeemed = code
        redeemed.consumedAt = Self.start + 5
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-1", clientID: "client-a", now: Self.start + 5)
                == .redeemed(redeemed)
        )
        // A second redemption reports reuse, with when the code was first redeemed, even after it expired.
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-1", clientID: "client-a", now: Self.start + 6)
                == .reused(redeemed)
        )
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-1", clientID: "client-a", now: Self.start + 90)
                == .reused(redeemed)
        )
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-2", clientID: "client-a", now: Self.start + 5)
                == .unknown
        )
    }

    static func wrongClientOrExpiredCodeDoesNotBurn(_ store: any SignInStore) async throws {
        try await store.insertAuthorizationCode(Self.sampleCode("code-1"))
        try await store.insertAuthorizationCode(Self.sampleCode("code-2"))

        // Another client holding the code learns nothing and cannot burn it, nor make it look reused.
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-1", clientID: "client-b", now: Self.start + 1)
                == .unknown
        )
        guard
            case .redeemed = try await store.redeemAuthorizationCode(
                hash: "code-1",
                clientID: "client-a",
                now: Self.start + 2
            )
        else {
            Issue.record("another client's attempt burned the code")
            return
        }
        #expect(
            try await store.redeemAuthorizationCode(hash: "code-1", clientID: "client-b", now: Self.start + 3)
                == .unknown
        )

        // At and after expiry an unredeemed code is unknown, and stays unredeemed.
        for now in [Self.start + 60, Self.start + 61, Self.start + 3600] {
            #expect(try await store.redeemAuthorizationCode(hash: "code-2", clientID: "client-a", now: now) == .unknown)
        }
        guard
            case .redeemed(let code) = try await store.redeemAuthorizationCode(
                hash: "code-2",
                clientID: "client-a",
                now: Self.start + 59
            )
        else {
            Issue.record("an attempt after expiry burned the code")
            return
        }
        #expect(code.consumedAt == Self.start + 59)
    }

    static func concurrentRedemptionsOneWins(_ store: any SignInStore) async throws {
        try await store.insertAuthorizationCode(Self.sampleCode("code-1"))
        let outcomes = try await withThrowingTaskGroup(of: CodeRedemption.self) { group in
            for attempt in 0..<24 {
                group.addTask {
                    try await store.redeemAuthorizationCode(
                        hash: "code-1",
                        clientID: "client-a",
                        now: Self.start + 1 + Double(attempt) / 100
                    )
                }
            }
            return try await group.reduce(into: [CodeRedemption]()) { $0.append($1) }
        }
        let winners = outcomes.filter {
            if case .redeemed = $0 { true } else { false }
        }
        let reused = outcomes.filter {
            if case .reused = $0 { true } else { false }
        }
        #expect(winners.count == 1)
        #expect(reused.count == outcomes.count - 1)
    }
}
