public import MCPServerCore
public import Testing

/// One check of the ``StoreContract``: a name for the test case and what it does with a fresh store.
public struct StoreContractCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (any ServerStore) async throws -> Void

    public var testDescription: String { self.name }

    /// Runs the check on `store`, a fresh one, and shuts it down afterwards, even if the check throws.
    public func run(on store: any ServerStore) async throws {
        do {
            try await self.body(store)
        } catch {
            try await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }
}
