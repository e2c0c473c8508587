public import Foundation

extension ChildProcess {
    /// Starts a child that serves, and awaits its ready line.
    public static func serving(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String] = [:],
        grace: Duration = .seconds(10)
    ) async throws -> ChildProcess {
        let child = try ChildProcess(executable, arguments, environment: environment, grace: grace)
        try await child.ready()
        return child
    }

    /// Runs `executable arguments` to completion and returns what it printed.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = true
    ) async throws -> ProcessRun {
        let child = try ChildProcess(
            executable,
            arguments,
            environment: environment,
            inheritEnvironment: inheritEnvironment
        )
        let status = await child.waitForExit()
        return ProcessRun(status: status, output: child.stdout.lines, errors: child.stderr.lines)
    }

    /// `mcp-server serve --host 127.0.0.1 --port <port> <arguments>`, once it is ready.
    ///
    /// `port` 0 (the default) lets the kernel choose; a restart passes the port of the server it replaces.
    public static func mcpServer(
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        port: Int = 0
    ) async throws -> ChildProcess {
        try await Self.serving(
            BuiltProduct.url(named: "mcp-server"),
            ["serve", "--host", "127.0.0.1", "--port", String(port)] + arguments,
            environment: environment
        )
    }

    /// `mcp-bridge <arguments>`, launched the way Claude Desktop launches it: MCP over its stdin and stdout.
    public static func mcpBridge(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(
            BuiltProduct.url(named: "mcp-bridge"),
            arguments,
            environment: environment,
            standardInput: true
        )
    }

    /// `Tests/Interop/<script> <arguments>` run by the interop Python (``Interop/python``), once it is ready.
    ///
    /// Two seconds' grace: the helpers keep nothing that needs flushing, and uvicorn's graceful stop would wait for
    /// event streams a failed test left open.
    public static func interopHelper(_ script: String, _ arguments: [String] = []) async throws -> ChildProcess {
        guard let python = Interop.python else { throw Interop.Missing(what: "REMOTE_MCP_PYTHON") }
        return try await Self.serving(
            python,
            [Interop.script(script).path] + arguments,
            grace: .seconds(2)
        )
    }
}
