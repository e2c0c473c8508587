public import Foundation

/// What a finished child process printed.
public struct ProcessRun: Sendable {
    public let status: Int32
    public let output: [String]
    public let errors: [String]

    /// Runs `executable` to completion, reading stdout and stderr line by line as they come.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String]? = nil
    ) async throws
        -> ProcessRun
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both streams start reading now (their handlers buffer), so a chatty stderr never blocks the child.
        let errorStream = LineStream.lines(of: errors.fileHandleForReading)
        let outputLines = await Self.collect(LineStream.lines(of: output.fileHandleForReading))
        let collectedErrors = await Self.collect(errorStream)
        process.waitUntilExit()
        return ProcessRun(status: process.terminationStatus, output: outputLines, errors: collectedErrors)
    }

    private static func collect(_ lines: AsyncStream<String>) async -> [String] {
        var all: [String] = []
        for await line in lines { all.append(line) }
        return all
    }
}
