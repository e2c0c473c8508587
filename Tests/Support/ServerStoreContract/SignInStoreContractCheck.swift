public import MCPServerCore
public import Testing

/// One check of the ``SignInStoreContract``: a name for the test case and what it does with a fresh store.
public struct SignInStoreContractCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (any SignInStore) async throws -> Void

    public var testDescription: String { self.name }

    /// Runs the check on `store`, a fresh one, and shuts it down afterwards, even if the check throws.
    public func run(on store: some ServerStore & SignInStore) async throws {
        do {
            try await self.body(store)
        } catch {
            try await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }
}
