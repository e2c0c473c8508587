import MCPCommandLine

/// The program's entry point: sets up where tasks run, then runs ``MCPServerCommand``.
@main
enum MCPServerMain {
    static func main() {
        InheritedSignalMask.clear()
        // Request handlers then run on the NIO event loops that read the sockets instead of hopping to a
        // separate thread pool for every request: fewer context switches, lower tail latency.
        GlobalExecutor.runOnEventLoops()
        GlobalExecutor.runMain { await MCPServerCommand.runProgram() }
    }
}
