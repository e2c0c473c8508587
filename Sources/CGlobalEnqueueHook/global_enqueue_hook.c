// Installs a hook on Swift Concurrency's global executor by taking the address of the runtime's hook variable at
// link time. SwiftNIO's own takeover finds that variable with dlsym, which fails in a binary linked with
// --static-swift-stdlib: the toolchain links the static runtime with --exclude-libs ALL, so the variable is not in
// the dynamic symbol table, dlsym returns NULL, and tasks silently stay on Dispatch's thread pool (a thread hop per
// message; the static bridge added 0.35 ms per call instead of 0.15). A reference from our own object file resolves
// in both the static and the shared runtime.

#include "global_enqueue_hook.h"

#if defined(_WIN32)
// On Windows the variable lives in swift_Concurrency.dll and would need dllimport; the bridge does not run there
// yet (bridge/README.md), so tasks stay on the default executor.
bool remote_mcp_install_global_enqueue(remote_mcp_enqueue_function enqueue) {
    (void)enqueue;
    return false;
}
#else

#include <stdatomic.h>
#include <stddef.h>

// The runtime's types (swift/Runtime/Concurrency.h): both are called with the Swift calling convention.
typedef void (*swift_enqueue_original)(void *job) __attribute__((swiftcall));
typedef void (*swift_enqueue_hook)(void *job, swift_enqueue_original original) __attribute__((swiftcall));

// Defined by libswift_Concurrency (a plain pointer there; an atomic of the same size and alignment here, since the
// runtime reads it on every enqueue from any thread).
extern _Atomic(swift_enqueue_hook) swift_task_enqueueGlobal_hook;

static _Atomic(remote_mcp_enqueue_function) installed_enqueue;

__attribute__((swiftcall)) static void enqueue_through_hook(void *job, swift_enqueue_original original) {
    // The runtime reads the hook with a plain load, which orders nothing: a thread that sees the hook before it
    // sees `installed_enqueue` hands the job to the default executor rather than calling NULL.
    remote_mcp_enqueue_function enqueue = atomic_load_explicit(&installed_enqueue, memory_order_acquire);
    if (enqueue == NULL) {
        original(job);
        return;
    }
    enqueue(job);
}

bool remote_mcp_install_global_enqueue(remote_mcp_enqueue_function enqueue) {
    atomic_store_explicit(&installed_enqueue, enqueue, memory_order_release);
    swift_enqueue_hook expected = NULL;
    return atomic_compare_exchange_strong(&swift_task_enqueueGlobal_hook, &expected, enqueue_through_hook);
}
#endif
