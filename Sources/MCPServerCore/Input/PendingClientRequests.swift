import MCPWire
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Server-to-client requests of the legacy era that wait for the client's response, which arrives as a POST of its
/// own (any process could receive it, but only the one holding the call's stream can use it, so this registry is
/// per process).
///
/// Bounded twice: at most `limit` open at once, and at most `perClientLimit` for one client, so one client cannot
/// take every place. Each is closed by its asker when answered, timed out or cancelled. Ids are random, and a
/// response counts only from the client the request was asked of, with the scope its call needed.
final class PendingClientRequests: Sendable {
    /// The client's response.
    enum Answer: Sendable, Hashable {
        case result(JSONValue)
        case error(JSONRPCError)
    }

    /// What ``open(client:scope:)`` did.
    enum Opening: Sendable, Hashable {
        case opened(JSONRPCID)
        /// The process has `limit` requests open.
        case full
        /// This client has `perClientLimit` requests open.
        case clientFull
    }

    /// What ``resolve(id:client:permits:answer:)`` did with a response.
    enum Resolution: Sendable, Hashable {
        case resolved
        /// No open request has this id for this client (answered late, asked by another process, or never asked).
        case unknown
        /// The request is the client's, but the caller's token lacks the scope its call needed.
        case needsScope(String)
    }

    private struct Entry {
        var client: ClientKey
        var scope: String?
        var answer: Answer?
        var cancelled = false
        var waiter: CheckedContinuation<Answer?, Never>?
    }

    private let entries = NIOLockedValueBox([JSONRPCID: Entry]())
    let limit: Int
    let perClientLimit: Int

    init(limit: Int, perClientLimit: Int) {
        self.limit = limit
        self.perClientLimit = perClientLimit
    }

    /// How many requests wait for a response.
    var count: Int { self.entries.withLockedValue { $0.count } }

    /// How many requests wait for `client`'s response.
    func count(for client: ClientKey) -> Int {
        self.entries.withLockedValue { entries in entries.values.count { $0.client == client } }
    }

    /// Reserves a new request id for `client`, whose response will need `scope`.
    func open(client: ClientKey, scope: String?) -> Opening {
        let id = JSONRPCID("remote-mcp-" + SecretToken.generate(byteCount: 16))
        return self.entries.withLockedValue { entries in
            // The global bound first: it is one comparison, and the per-client count walks at most `limit` entries.
            guard entries.count < self.limit else { return .full }
            guard entries.values.count(where: { $0.client == client }) < self.perClientLimit else {
                return .clientFull
            }
            entries[id] = Entry(client: client, scope: scope)
            return .opened(id)
        }
    }

    /// Delivers a client's response.
    /// - Parameter permits: whether the caller's token grants a scope.
    func resolve(
        id: JSONRPCID,
        client: ClientKey,
        permits: (String) -> Bool,
        answer: Answer
    ) -> Resolution {
        let outcome: (Resolution, CheckedContinuation<Answer?, Never>?) = self.entries.withLockedValue { entries in
            guard var entry = entries[id], entry.client == client, entry.answer == nil, !entry.cancelled else {
                return (.unknown, nil)
            }
            if let scope = entry.scope, !permits(scope) { return (.needsScope(scope), nil) }
            entry.answer = answer
            let waiter = entry.waiter
            entry.waiter = nil
            entries[id] = entry
            return (.resolved, waiter)
        }
        outcome.1?.resume(returning: answer)
        return outcome.0
    }

    /// How a wait ended.
    enum Outcome: Sendable, Hashable {
        case answered(Answer)
        case timedOut
        /// The server began shutting down, the asking task was cancelled (the client went away or cancelled the
        /// call), or the client was deleted.
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

    /// Ends every wait for `client`'s responses without an answer (the client was deleted; see
    /// ``ClientKey/includes(_:)``).
    func abandonAll(of client: ClientKey) {
        let ids = self.entries.withLockedValue { entries in
            entries.compactMap { client.includes($0.value.client) ? $0.key : nil }
        }
        for id in ids { self.abandon(id) }
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
