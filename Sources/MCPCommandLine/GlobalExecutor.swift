import CGlobalEnqueueHook
import NIOCore
import NIOPosix

/// Where Swift Concurrency runs tasks that belong to no actor.
public enum GlobalExecutor {
    /// Makes SwiftNIO's singleton event loops Swift's global executor, so a task that reads a socket and answers
    /// runs on the loop that owns the socket instead of hopping to Dispatch's thread pool and back (each hop a
    /// wake-up, measured with bench/bridge.sh and bench/footprint.sh). Call it once, first thing in `main`.
    ///
    /// SwiftNIO's own takeover first; where it finds nothing to take over (the Swift runtime linked statically, see
    /// global_enqueue_hook.c), the same hook set by link-time reference. Returns false, and changes nothing, if
    /// another hook was installed first.
    @discardableResult
    public static func runOnEventLoops() -> Bool {
        if NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            return true
        }
        return remote_mcp_install_global_enqueue { job in
            // The runtime hands over a `Job *`, which is what an `UnownedJob` holds.
            let job = unsafeBitCast(job, to: UnownedJob.self)
            // `any()` is the loop the caller runs on when it runs on one, so a task woken by a socket stays there.
            MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
        }
    }
}
