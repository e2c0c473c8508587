import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// `mcp-server clients …` and `keys …` against the database of a running server.
@Suite("Operator CLI", .childProcesses, .timeLimit(.minutes(3)))
struct OperatorCLITests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
    var database: String { self.directory.appendingPathComponent("server.sqlite").path }

    /// Runs `mcp-server <arguments> --database <this test's database>`.
    func run(_ arguments: [String]) async throws -> ProcessRun {
        try await ChildProcess.run(BuiltProduct.url(named: "mcp-server"), arguments + ["--database", self.database])
    }

    func token(_ base: String, id: String, secret: String) async throws -> (status: Int, body: String) {
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        let answer = try await TestHTTP.request(
            URL(string: base + "/token")!,
            method: .post,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"],
            body: "grant_type=client_credentials"
        )
        return (answer.status, answer.body)
    }

    @Test func clientsAndKeysWhileTheServerRuns() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let server = try await ChildProcess.mcpServer(["--database", self.database, "--registration", "closed"])
        let base = server.mcpURL.deletingLastPathComponent().absoluteString.trimmingCharacters(in: ["/"])

        let added = try await self.run(["clients", "add", "--name", "ci robot", "--scope", "mcp:read"])
        #expect(added.status == 0)
        let client = try JSONValue(parsing: try #require(added.output.last))
        let id = try #require(client["client_id"]?.stringValue)
        let secret = try #require(client["client_secret"]?.stringValue)
        #expect(client["scope"] == "mcp:read")
        #expect(added.errors.contains { $0.contains(#""event":"client.registered""#) })
        #expect(!added.errors.contains { $0.contains(secret) })

        // The running server accepts a client the CLI created in its database.
        let token = try await self.token(base, id: id, secret: secret)
        #expect(token.status == 200)

        let listed = try await self.run(["clients", "list"])
        #expect(listed.output.count == 1)
        #expect(!listed.output[0].contains(secret))
        #expect(try JSONValue(parsing: listed.output[0])["client_name"] == "ci robot")
        let shown = try await self.run(["clients", "show", id])
        #expect(try JSONValue(parsing: try #require(shown.output.first))["client_id"] == .string(id))
        #expect(try await self.run(["clients", "show", "mcp_missing"]).status != 0)

        let keysBefore = try await self.run(["keys", "list"])
        #expect(keysBefore.output.count == 1)
        let rotated = try await self.run(["keys", "rotate"])
        #expect(rotated.status == 0)
        #expect(rotated.errors.contains { $0.contains(#""event":"key.rotated""#) })
        let keysAfter = try await self.run(["keys", "list"]).output.map { try JSONValue(parsing: $0) }
        #expect(keysAfter.count == 2)
        #expect(keysAfter.filter { $0["retired_at"] != nil }.count == 1)
        #expect(keysAfter.allSatisfy { $0["d"] == nil && !$0.serializedString().contains("PRIVATE") })

        let deleted = try await self.run(["clients", "delete", id])
        #expect(deleted.status == 0)
        #expect(try await self.token(base, id: id, secret: secret).status == 401)
        #expect(try await self.run(["clients", "delete", id]).status != 0)

        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test func authNoneWarnsAtStart() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let server = try await ChildProcess.mcpServer(["--database", self.database, "--auth", "none"])
        #expect(
            server.stderr.lines.contains {
                $0.contains(#""level":"warning""#) && $0.contains("Authentication is OFF")
            }
        )
    }

    @Test func tokenRegistrationPolicyNeedsAToken() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let run = try await ChildProcess.run(
            BuiltProduct.url(named: "mcp-server"),
            ["--port", "0", "--database", self.database, "--registration", "token"]
        )
        #expect(run.status != 0)
    }
}
