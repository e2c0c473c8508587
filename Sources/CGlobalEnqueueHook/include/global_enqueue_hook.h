#ifndef REMOTE_MCP_GLOBAL_ENQUEUE_HOOK_H
#define REMOTE_MCP_GLOBAL_ENQUEUE_HOOK_H

#include <stdbool.h>

/// Receives each job Swift Concurrency would hand to its global executor (a `Job *`, an `UnownedJob` in Swift).
typedef void (*remote_mcp_enqueue_function)(void *_Nonnull job);

/// Sends every job for Swift's global executor to `enqueue` from now on, by setting the Swift runtime's
/// `swift_task_enqueueGlobal_hook`. Returns false, changing nothing, when another hook is already installed.
bool remote_mcp_install_global_enqueue(remote_mcp_enqueue_function _Nonnull enqueue);

#endif
