/// What a finished child process printed (``ChildProcess/run(_:_:environment:inheritEnvironment:)``).
public struct ProcessRun: Sendable {
    public let status: Int32
    /// Its stdout, line by line.
    public let output: [String]
    /// Its stderr, line by line.
    public let errors: [String]
}
