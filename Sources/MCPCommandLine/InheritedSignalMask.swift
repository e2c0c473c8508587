#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal mask a program starts with.
public enum InheritedSignalMask {
    /// Unblocks every signal the parent process left blocked. Call it first in `main`, before any thread starts:
    /// a thread takes its creator's mask.
    ///
    /// A parent may start us with signals blocked (Foundation's `Process` does, from a thread that blocks them),
    /// and then Ctrl-C at a password prompt, a host's SIGTERM, or ServiceLifecycle's graceful shutdown would never
    /// reach us. Swift's `async` `main` happened to unblock them on the main thread through Dispatch's main queue;
    /// our synchronous `main` (``GlobalExecutor/runMain(_:)``) does not, so it is done here on purpose. Programs
    /// we start (a browser, a credential helper) then inherit a clean mask too.
    public static func clear() {
        #if !os(Windows)
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        #endif
    }
}
