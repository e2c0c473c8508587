import Foundation
import MCPServerCore
import Testing

extension SignInStoreContract {
    static func consentsReplaceAndDelete(_ store: any SignInStore) async throws {
        let first = StoredConsent(
            personID: "usr_alice",
            clientID: "https://app.example.com/client.json",
            scopes: ["mcp:tools", "mcp:resources"],
            createdAt: Self.start,
            updatedAt: Self.start
        )
        try await store.saveConsent(first)
        #expect(try await store.consent(personID: "usr_alice", clientID: first.clientID) == first)
        #expect(try await store.consent(personID: "usr_alice", clientID: "other") == nil)
        #expect(try await store.consent(personID: "usr_bob", clientID: first.clientID) == nil)

        var replacement = first
        replacement.scopes = ["mcp:tools"]
        replacement.createdAt = Self.start + 100
        replacement.updatedAt = Self.start + 100
        try await store.saveConsent(replacement)
        var expected = replacement
        expected.createdAt = first.createdAt
        #expect(try await store.consent(personID: "usr_alice", clientID: first.clientID) == expected)

        #expect(try await store.deleteConsent(personID: "usr_alice", clientID: first.clientID))
        #expect(try await !store.deleteConsent(personID: "usr_alice", clientID: first.clientID))
        #expect(try await store.consent(personID: "usr_alice", clientID: first.clientID) == nil)
    }

    static func upstreamLoginTakenOnce(_ store: any SignInStore) async throws {
        let login = StoredUpstreamLogin(
            stateHash: "state-1",
            nonce: "nonce-1",
            codeVerifier: "verifier-1",
            sealedRequest: "sealed-1",
            browserHash: "browser-1",
            createdAt: Self.start,
            expiresAt: Self.start + 600
        )
        try await store.insertUpstreamLogin(login)
        await #expect(throws: ServerStoreError.duplicate) { try await store.insertUpstreamLogin(login) }
        #expect(try await store.takeUpstreamLogin(stateHash: "state-1", now: Self.start + 10) == login)
        #expect(try await store.takeUpstreamLogin(stateHash: "state-1", now: Self.start + 11) == nil)
        #expect(try await store.takeUpstreamLogin(stateHash: "state-x", now: Self.start + 11) == nil)

        var late = login
        late.stateHash = "state-2"
        try await store.insertUpstreamLogin(late)
        #expect(try await store.takeUpstreamLogin(stateHash: "state-2", now: Self.start + 600) == nil)
        #expect(try await store.takeUpstreamLogin(stateHash: "state-2", now: Self.start + 900) == nil)

        // Concurrent callbacks with one state: exactly one gets it.
        var raced = login
        raced.stateHash = "state-3"
        try await store.insertUpstreamLogin(raced)
        let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { try await store.takeUpstreamLogin(stateHash: "state-3", now: Self.start + 1) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == 1)
    }
}
