#if os(Windows)
// `Thread`, which FoundationEssentials lacks; full Foundation is part of the system on Windows.
import Foundation
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own for work that blocks for a long time (a `read(2)` loop on stdin, `waitpid` for a browser),
/// so neither NIO's pools nor Swift's cooperative pool are held up by it.
///
/// Foundation's `Thread` is not in FoundationEssentials, so this is a POSIX thread, detached: nothing joins it,
/// and it ends when `body` returns.
enum DetachedThread {
    /// Starts `body` on a new thread. Returns `false`, without running `body`, when the system cannot start one.
    @discardableResult
    static func run(_ body: @escaping @Sendable () -> Void) -> Bool {
        #if os(Windows)
        Thread.detachNewThread(body)
        return true
        #else
        // The closure crosses into C as a raw pointer: retained here, released by the thread that runs it.
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(
            &thread,
            nil,
            { pointer in
                // Optional on Linux, not on Darwin: the cast takes either.
                let body = Unmanaged<Body>.fromOpaque((pointer as UnsafeMutableRawPointer?)!).takeRetainedValue()
                body.run()
                return nil
            },
            context
        )
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
        return true
        #endif
    }
}

#if !os(Windows)
/// The closure a thread runs, as a class so it can pass through `pthread_create`'s `void *`.
private final class Body {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) {
        self.run = run
    }
}
#endif
