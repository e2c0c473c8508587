import NIOConcurrencyHelpers

@testable import MCPBridgeCore

/// A secret store in memory that can be told to fail, for the ``CredentialStore`` rules that need no keyring.
final class MemorySecretStore: SecretStore {
    let name = "memory"
    private let state = NIOLockedValueBox<(items: [String: [UInt8]], failure: BridgeError?, calls: Int)>(
        ([:], nil, 0)
    )

    /// What is stored, by account.
    var items: [String: [UInt8]] { self.state.withLockedValue { $0.items } }
    /// How many times the store was used.
    var calls: Int { self.state.withLockedValue { $0.calls } }

    /// Makes every later use fail with `failure` (or succeed again with `nil`).
    func fail(with failure: BridgeError?) {
        self.state.withLockedValue { $0.failure = failure }
    }

    func read(account: String) async throws(BridgeError) -> [UInt8]? {
        try self.use { $0.items[account] }
    }

    func write(_ secret: [UInt8], account: String, label: String) async throws(BridgeError) {
        try self.use { $0.items[account] = secret }
    }

    func delete(account: String) async throws(BridgeError) {
        try self.use { $0.items[account] = nil }
    }

    private func use<T>(
        _ body: (inout (items: [String: [UInt8]], failure: BridgeError?, calls: Int)) -> T
    ) throws(BridgeError) -> T {
        let outcome: Result<T, BridgeError> = self.state.withLockedValue { state in
            state.calls += 1
            if let failure = state.failure { return .failure(failure) }
            return .success(body(&state))
        }
        return try outcome.get()
    }
}
