public import Testing

/// The trait of suites (or tests) that start child processes: every ``ChildProcess`` a test starts is stopped when
/// that test ends, passed or failed, the last started first (a bridge before the server it talks to), each with
/// SIGTERM and, after its grace period, SIGKILL. No test leaves a process behind, and none waits on one a failed
/// test left running.
///
/// ```swift
/// @Suite("mcp-server as a process", .childProcesses)
/// ```
public struct ChildProcesses: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let started = LockedValue<[ChildProcess]>([])
        do {
            try await Self.$current.withValue(started) { try await function() }
        } catch {
            await Self.stopAll(started)
            throw error
        }
        await Self.stopAll(started)
    }

    @TaskLocal static var current: LockedValue<[ChildProcess]>?

    /// Puts `child` in the scope of the running test, so it is stopped when the test ends.
    static func adopt(_ child: ChildProcess) {
        guard let scope = Self.current else {
            Issue.record(
                "\(child.name) was started outside a .childProcesses scope: add the trait to the suite, so the test stops it"
            )
            return
        }
        scope.withValue { $0.append(child) }
    }

    private static func stopAll(_ started: LockedValue<[ChildProcess]>) async {
        let children = started.withValue { children in
            defer { children = [] }
            return children
        }
        for child in children.reversed() { await child.stop() }
    }
}

extension Trait where Self == ChildProcesses {
    /// Child processes a test starts are stopped when it ends (see ``ChildProcesses``).
    public static var childProcesses: Self { ChildProcesses() }
}
