import MCPWire
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Server-to-client requests of the legacy era that wait for the client's response, which arrives as a POST of its
/// own (any process could receive it, but only the one holding the call's stream can use it, so this registry is
/// per process).
///
/// Bounded: at most `limit` open at once, each closed by its asker when answered, timed out or cancelled. Ids are
/// random, and a response counts only from the client the request was asked of.
final class PendingClientRequests: Sendable {
    /// The client's response.
    enum Answer: Sendable, Hashable {
        case result(JSONValue)
        case error(JSONRPCError)
    }

    private struct Entry {
        var principal: String?
        var answer: Answer?
        var cancelled = false
        var waiter: CheckedContinuation<Answer?, Never>?
    }

    private let entries = NIOLockedValueBox([JSONRPCID: Entry]())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// How many requests wait for a response.
    var count: Int { self.entries.withLockedValue { $0.count } }

    /// Reserves a new request id for `principal`; `nil` when `limit` requests are open.
    func open(principal: String?) -> JSONRPCID? {
        let id = JSONRPCID("remote-mcp-" + SecretToken.generate(byteCount: 16))
        let opened = self.entries.withLockedValue { entries in
            guard entries.count < self.limit else { return false }
            entries[id] = Entry(principal: principal)
            return true
        }
        return opened ? id : nil
    }

    /// Delivers a client's response; `false` when no open request has this id for this client.
    func resolve(id: JSONRPCID, principal: String?, answer: Answer) -> Bool {
        let outcome: (Bool, CheckedContinuation<Answer?, Never>?) = self.entries.withLockedValue { entries in
            guard var entry = entries[id], entry.principal == principal, entry.answer == nil else {
                return (false, nil)
            }
            entry.answer = answer
            let waiter = entry.waiter
            entry.waiter = nil
            entries[id] = entry
            return (true, waiter)
        }
        outcome.1?.resume(returning: answer)
        return outcome.0
    }

    /// How a wait ended.
    enum Outcome: Sendable, Hashable {
        case answered(Answer)
        case timedOut
        /// The server began shutting down, or the asking task was cancelled (the client went away).
        case abandoned
    }

    /// Waits up to `timeout` for the response to `id`, then closes it.
    ///
    /// The server's graceful shutdown waits for open requests; a question could hold it for the whole timeout, so
    /// shutdown abandons the wait instead.
    func wait(for id: JSONRPCID, timeout: Duration) async -> Outcome {
        defer { _ = self.entries.withLockedValue { $0.removeValue(forKey: id) } }
        return await withGracefulShutdownHandler {
            await withTaskGroup(of: Outcome.self) { group in
                group.addTask { await self.answer(for: id).map(Outcome.answered) ?? .abandoned }
                group.addTask {
                    do {
                        try await Task.sleep(for: timeout)
                        return .timedOut
                    } catch {
                        return .abandoned
                    }
                }
                let first = await group.next() ?? .abandoned
                group.cancelAll()
                return first
            }
        } onGracefulShutdown: {
            self.abandon(id)
        }
    }

    private func answer(for id: JSONRPCID) async -> Answer? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: Answer?? = self.entries.withLockedValue { entries in
                    guard var entry = entries[id], !entry.cancelled else { return .some(nil) }
                    if let answer = entry.answer { return .some(answer) }
                    entry.waiter = continuation
                    entries[id] = entry
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.abandon(id)
        }
    }

    /// Ends the wait for `id` without an answer.
    private func abandon(_ id: JSONRPCID) {
        let waiter = self.entries.withLockedValue { entries -> CheckedContinuation<Answer?, Never>? in
            guard var entry = entries[id] else { return nil }
            entry.cancelled = true
            let waiter = entry.waiter
            entry.waiter = nil
            entries[id] = entry
            return waiter
        }
        waiter?.resume(returning: nil)
    }
}
