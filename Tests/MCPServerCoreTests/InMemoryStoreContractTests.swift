import MCPServerCore
import ServerStoreContract
import Testing

/// The in-memory store (what router tests run on) keeps the same contract as the durable ones.
@Suite("ServerStore contract: in memory")
struct InMemoryStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        try await check.run(on: InMemoryServerStore())
    }

    @Test(arguments: SignInStoreContract.checks)
    func signInContract(_ check: SignInStoreContractCheck) async throws {
        try await check.run(on: InMemoryServerStore())
    }
}
