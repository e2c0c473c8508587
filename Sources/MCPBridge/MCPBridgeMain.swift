import ArgumentParser
import MCPCommandLine
import NIOCore
import NIOPosix

#if os(Linux)
/// glibc's `mallopt(3)`; its header is not part of the Glibc module.
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// The program's entry point: sets up where tasks run, then runs ``MCPBridgeCommand``.
@main
enum MCPBridgeMain {
    static func main() {
        InheritedSignalMask.clear()
        #if os(Linux)
        // One malloc arena instead of one per thread: the bridge is small and mostly waits, and per-thread
        // arenas would make a dozen threads cost megabytes of resident memory each.
        _ = mallopt(-8, 1)  // M_ARENA_MAX
        #endif
        // One event loop runs everything (tasks, HTTP connections): a relay mostly waits, and every hop between
        // threads is a wake-up that adds latency to each call (measured with bench/bridge.sh).
        NIOSingletons.groupLoopCountSuggestion = 1
        GlobalExecutor.runOnEventLoops()
        GlobalExecutor.runMain { await MCPBridgeCommand.main(nil) }
    }
}
