import Logging
import MCPServerDynamoDB
import RemoteMCPTestSupport
import ServerStoreContract
import Testing

/// The DynamoDB store keeps the contract (and the sign-in contract), against moto_server (a table per check).
///
/// One check at a time, both contracts in this one serialized suite: moto_server answers one request at a time
/// (see Tests/Interop/moto_server.py), and some checks send it 100 at once. All checks at once queued requests
/// past the client's 10-second timeout, and its retries then applied writes twice.
@Suite("ServerStore contract: DynamoDB", .needsMoto, .serialized)
struct DynamoDBStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        let logger = Logger(label: "test")
        let store = try await MotoTable.freshStore(logger: logger)
        try await check.run(on: store)
        try await DynamoDBServerStore.deleteTable(store.table, client: MotoTable.client(logger: logger))
    }

    @Test(arguments: SignInStoreContract.checks)
    func signInContract(_ check: SignInStoreContractCheck) async throws {
        let logger = Logger(label: "test")
        let store = try await MotoTable.freshStore(logger: logger)
        try await check.run(on: store)
        try await DynamoDBServerStore.deleteTable(store.table, client: MotoTable.client(logger: logger))
    }
}
