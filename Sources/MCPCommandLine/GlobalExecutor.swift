import CGlobalEnqueueHook
import NIOConcurrencyHelpers
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

    /// Runs `body`, the program, as a task (on the event loops once ``runOnEventLoops()`` has run) and blocks the
    /// main thread until it returns. Call it from a synchronous `main`.
    ///
    /// Swift's `async` `main` parks the main thread with `dispatch_main()`, which ends it with `pthread_exit`, and
    /// that unwinds the thread's stack through the unwind tables: with the runtime linked statically, a search of
    /// the program's 6 MB of them at every start (about 2 MiB more resident memory for the bridge, measured with
    /// bench/footprint.sh). Nothing here needs the main queue: no code of ours or of our dependencies is
    /// `@MainActor`.
    public static func runMain(_ body: @escaping @Sendable () async -> Void) {
        let finished = ConditionLock(value: false)
        // Detached: `main` is main-actor isolated, and a task that inherited that would wait for the thread this
        // function blocks.
        Task.detached {
            await body()
            finished.lock()
            finished.unlock(withValue: true)
        }
        finished.lock(whenValue: true)
        finished.unlock()
    }
}
