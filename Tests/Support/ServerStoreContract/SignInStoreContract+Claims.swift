import Foundation
import MCPServerCore
import Testing

extension SignInStoreContract {
    static func claimsAreSingleUseUntilTheyExpire(_ store: any SignInStore) async throws {
        let until = Self.start + 60
        #expect(try await !store.isClaimed(key: "revoked-jti:a", now: Self.start))
        #expect(try await store.claimOnce(key: "revoked-jti:a", expiresAt: until, now: Self.start))
        #expect(try await !store.claimOnce(key: "revoked-jti:a", expiresAt: until, now: Self.start + 1))
        // A later expiry does not renew a live claim.
        #expect(try await !store.claimOnce(key: "revoked-jti:a", expiresAt: until + 600, now: Self.start + 59))
        #expect(try await store.isClaimed(key: "revoked-jti:a", now: Self.start + 59))
        #expect(try await !store.isClaimed(key: "revoked-jti:b", now: Self.start + 1))
        #expect(try await store.claimOnce(key: "revoked-jti:b", expiresAt: until, now: Self.start + 1))

        // At its expiry the claim is gone, and the key can be claimed again.
        #expect(try await !store.isClaimed(key: "revoked-jti:a", now: until))
        #expect(try await store.claimOnce(key: "revoked-jti:a", expiresAt: until + 60, now: until))
        #expect(try await !store.claimOnce(key: "revoked-jti:a", expiresAt: until + 60, now: until + 1))
        #expect(try await store.isClaimed(key: "revoked-jti:a", now: until + 59))
    }

    static func claimKeysOfAnyLengthAndTextAreDistinct(_ store: any SignInStore) async throws {
        let long = String(repeating: "k", count: 3000)
        let keys = [long, long + "x", "assertion-jti:https://app.example.com/client.json éß 🎉", "k", "K"]
        for key in keys {
            #expect(
                try await store.claimOnce(key: key, expiresAt: Self.start + 60, now: Self.start),
                "\(key.prefix(20))"
            )
        }
        for key in keys {
            #expect(try await !store.claimOnce(key: key, expiresAt: Self.start + 60, now: Self.start + 1))
            #expect(try await store.isClaimed(key: key, now: Self.start + 1))
        }
    }

    static func concurrentClaimsOneWins(_ store: any SignInStore) async throws {
        let won = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await store.claimOnce(key: "assertion-jti:raced", expiresAt: Self.start + 60, now: Self.start)
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(won == 1)
    }
}
