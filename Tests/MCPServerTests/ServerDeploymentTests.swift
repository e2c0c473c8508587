import Foundation
import RemoteMCPTestSupport
import Testing

/// `server/`: the SAM template passes cfn-lint and promises what the README says; the smoke test passes against a
/// local server; deploy.sh builds the right commands; the packaged Lambda artifact runs.
@Suite("server/ deployment files", .childProcesses, .timeLimit(.minutes(2)))
struct ServerDeploymentTests {
    static let root = Interop.root

    @Test(
        "template.yaml passes cfn-lint and has the routes, table, secret, IAM, logs, alarms and WAF it should",
        .enabled(
            if: Interop.cfnLint != nil,
            "needs REMOTE_MCP_CFN_LINT (scripts/test.sh sets it in its interop stage, from .venv-moto)"
        )
    )
    func templateLints() async throws {
        let template = Self.root.appendingPathComponent("server/template.yaml").path
        let cfnLint = try #require(Interop.cfnLint)
        let lint = try await ChildProcess.run(cfnLint, [template])
        #expect(lint.status == 0, "\((lint.output + lint.errors).joined(separator: "\n"))")
        // check_template.py needs the SAM translator, installed beside cfn-lint.
        let check = try await ChildProcess.run(
            cfnLint.deletingLastPathComponent().appendingPathComponent("python"),
            [Self.root.appendingPathComponent("Tests/Interop/check_template.py").path, template]
        )
        #expect(check.status == 0, "\((check.output + check.errors).joined(separator: "\n"))")
    }

    @Test("smoke-test.sh passes against a local mcp-server, every step checked")
    func smokeTestAgainstLocalServer() async throws {
        let server = try await ChildProcess.mcpServer(["--database", ":memory:"])
        let base = server.mcpURL.deletingLastPathComponent().absoluteString
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"),
            [Self.root.appendingPathComponent("server/smoke-test.sh").path, base]
        )
        #expect(run.status == 0, "\((run.output + run.errors).joined(separator: "\n"))")
        #expect(run.output.filter { $0.hasPrefix("ok ") }.count == 9)
        #expect(run.output.last?.hasPrefix("smoke test passed") == true)
    }

    @Test("smoke-test.sh fails loudly when a step fails")
    func smokeTestFailsOnRefusal() async throws {
        let server = try await ChildProcess.mcpServer(["--database", ":memory:", "--registration", "closed"])
        let base = server.mcpURL.deletingLastPathComponent().absoluteString
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"),
            [Self.root.appendingPathComponent("server/smoke-test.sh").path, base]
        )
        #expect(run.status != 0)
        #expect(run.errors.contains { $0.hasPrefix("FAIL register a client") })
    }

    @Test("deploy.sh passes the packaged architecture and the parameters (dry run)")
    func deployDryRun() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        let server = directory.appendingPathComponent("server")
        try FileManager.default.createDirectory(
            at: server.appendingPathComponent("dist"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["deploy.sh", "template.yaml"] {
            try FileManager.default.copyItem(
                at: Self.root.appendingPathComponent("server/\(name)"),
                to: server.appendingPathComponent(name)
            )
        }
        try Data().write(to: server.appendingPathComponent("dist/mcp-server.zip"))
        try Data("x86_64\n".utf8).write(to: server.appendingPathComponent("dist/architecture"))
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"),
            [
                server.appendingPathComponent("deploy.sh").path, "--dry-run", "--s3-bucket", "artifacts",
                "--stack-name", "mcp-test", "--region", "eu-west-1", "DomainName=mcp.example.com",
            ],
            environment: ["PATH": "/usr/bin:/bin"],
            inheritEnvironment: false
        )
        #expect(run.status == 0, "\(run.errors)")
        let deploy = try #require(run.output.first { $0.hasPrefix("aws cloudformation deploy") })
        #expect(deploy.contains("--stack-name mcp-test"))
        #expect(deploy.contains("--parameter-overrides Architecture=x86_64 DomainName=mcp.example.com"))
        #expect(deploy.contains("CAPABILITY_IAM"))
        #expect(
            run.output.contains { $0.hasPrefix("aws cloudformation package") && $0.contains("--s3-bucket artifacts") }
        )
    }

    @Test(
        "the packaged bootstrap (bundled loader and libc) serves events in an otherwise empty environment",
        .enabled(
            if: Interop.lambdaPackage != nil,
            "needs REMOTE_MCP_LAMBDA_PACKAGE (scripts/test.sh runs server/package.sh in its interop stage)"
        )
    )
    func packagedBootstrap() async throws {
        let package = try #require(Interop.lambdaPackage)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Unzipped as Lambda does, into a directory of its own.
        let unzip = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sys, zipfile, os\nfor i in zipfile.ZipFile(sys.argv[1]).infolist():\n    p = zipfile.ZipFile(sys.argv[1]).extract(i, sys.argv[2]); os.chmod(p, i.external_attr >> 16)",
                package.path, directory.path,
            ]
        )
        #expect(unzip.status == 0, "\(unzip.errors)")
        let runtime = try await LocalLambdaRuntimeAPI()
        let function = try LambdaProcess(
            runtime: runtime,
            environment: LambdaProcess.sqliteEnvironment.merging([
                // A directory of its own: the store refuses one other users can write, such as /tmp itself.
                "MCP_SERVER_STORE": "sqlite",
                "MCP_SERVER_DATABASE": directory.appendingPathComponent("data/lambda.sqlite").path,
            ]) { $1 },
            executable: directory.appendingPathComponent("bootstrap"),
            inheritEnvironment: false
        )
        let registration = try await runtime.response(
            to: LambdaEvents.functionURL(
                "POST",
                "/dcr",
                body: #"{"client_name":"packaged"}"#,
                headers: ["content-type": "application/json"]
            )
        )
        #expect(registration.status == 201, "\(registration.body) \(function.logs.lines)")
        let list = try await runtime.response(
            to: LambdaEvents.functionURL(
                "POST",
                "/mcp",
                body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
            )
        )
        #expect(list.status == 401)
        #expect(function.metrics.lines.count >= 1)
    }
}
