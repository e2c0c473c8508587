import Foundation
import RemoteMCPTestSupport
import Testing

/// The real `mcp-server` binary started the way Lambda starts it, against a local Runtime API endpoint: what only a
/// process shows. The flows it serves run in process, in MCPServerLambdaTests.
@Suite("mcp-server on the Lambda Runtime API: start-up", .timeLimit(.minutes(2)))
struct LambdaStartupTests {
    @Test(
        "start-up failures go to init/error and the process exits",
        arguments: [
            (
                ["MCP_SERVER_STORE": "bogus", "MCP_SERVER_SIGNING_KEY": LambdaProcess.keySeed],
                "MCP_SERVER_STORE=bogus is not one of sqlite, dynamodb"
            ),
            (["MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": ":memory:"], "MCP_SERVER_SIGNING_KEY_SECRET"),
            (
                ["MCP_SERVER_STORE": "sqlite", "MCP_SERVER_DATABASE": ":memory:", "MCP_SERVER_SIGNING_KEY": "short"],
                "32+"
            ),
        ]
    )
    func initFailure(environment: [String: String], expected: String) async throws {
        let runtime = try await LocalLambdaRuntimeAPI()
        let function = try LambdaProcess(runtime: runtime, environment: environment)
        let failure = await runtime.initError()
        guard case .error(let type, _) = failure else {
            Issue.record("expected an error, got \(failure)")
            return
        }
        #expect(type == "Runtime.InitError")
        #expect((failure.json["errorMessage"] as? String)?.contains(expected) == true, "\(failure.json)")
        #expect(await function.waitForExit() == 1)
        #expect(await runtime.nextCalls() == 0)
    }
}
