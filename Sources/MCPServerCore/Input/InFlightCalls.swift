import MCPWire
import NIOConcurrencyHelpers

/// The legacy-era tool calls this process is answering on a stream, by client and request id, so that a client's
/// `notifications/cancelled` (or its deletion) can stop them and free what they hold (a waiting question).
///
/// Bounded: at most ``limit`` calls, ``perClientLimit`` of them for one client. A call that finds no room is still
/// answered; it only cannot be cancelled by notification (closing its stream still cancels it). Request ids are the
/// client's own, so they are only looked up together with the client that sent them.
final class InFlightCalls: Sendable {
    /// One registered call.
    final class Entry: Sendable {
        fileprivate let key: Key
        private struct State {
            var task: Task<Void, Never>?
            var cancelled = false
        }

        private let state = NIOLockedValueBox(State())

        fileprivate init(key: Key) {
            self.key = key
        }

        /// The task that answers the call; cancelled at once when the cancellation came first.
        func attach(_ task: Task<Void, Never>) {
            let cancelled = self.state.withLockedValue { state in
                state.task = task
                return state.cancelled
            }
            if cancelled { task.cancel() }
        }

        /// Whether the client cancelled the call.
        var isCancelled: Bool { self.state.withLockedValue { $0.cancelled } }

        fileprivate func cancel() {
            let task = self.state.withLockedValue { state in
                state.cancelled = true
                return state.task
            }
            task?.cancel()
        }
    }

    fileprivate struct Key: Hashable {
        let client: ClientKey
        let id: JSONRPCID
    }

    /// Calls registered at most, in the process and per client.
    static let limit = 1024
    static let perClientLimit = 32

    private struct State {
        var calls: [Key: Entry] = [:]
        var perClient: [ClientKey: Int] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Registers a call; `nil` when there is no room, or the client has a call with this id already (then neither
    /// could be told apart).
    func register(client: ClientKey, id: JSONRPCID) -> Entry? {
        let key = Key(client: client, id: id)
        return self.state.withLockedValue { state in
            guard state.calls.count < Self.limit, state.perClient[client, default: 0] < Self.perClientLimit,
                state.calls[key] == nil
            else { return nil }
            let entry = Entry(key: key)
            state.calls[key] = entry
            state.perClient[client, default: 0] += 1
            return entry
        }
    }

    /// Forgets a finished call.
    func remove(_ entry: Entry) {
        self.state.withLockedValue { state in
            guard state.calls[entry.key] === entry else { return }
            state.calls[entry.key] = nil
            let remaining = state.perClient[entry.key.client, default: 1] - 1
            state.perClient[entry.key.client] = remaining > 0 ? remaining : nil
        }
    }

    /// Cancels `client`'s call `id`; `false` when there is none.
    @discardableResult
    func cancel(client: ClientKey, id: JSONRPCID) -> Bool {
        let entry = self.state.withLockedValue { $0.calls[Key(client: client, id: id)] }
        entry?.cancel()
        return entry != nil
    }

    /// Cancels every call of `client` (see ``ClientKey/includes(_:)``).
    func cancelAll(of client: ClientKey) {
        let entries = self.state.withLockedValue { state in
            state.calls.values.filter { client.includes($0.key.client) }
        }
        for entry in entries { entry.cancel() }
    }

    /// How many calls are registered.
    var count: Int { self.state.withLockedValue { $0.calls.count } }
}
