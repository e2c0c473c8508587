import NIOConcurrencyHelpers
import NIOCore

/// Where the loopback listener's callbacks meet the caller waiting for a code.
///
/// A callback can arrive before anyone waits (the browser may come back faster than the caller gets from opening
/// it to ``LoopbackCallbackServer/waitForCode(serverName:_:)``): it is held, up to a count and a time, and judged
/// when a wait begins. The validator runs under the lock, so two callbacks racing on two event loops cannot both
/// end the same wait.
final class CallbackInbox: Sendable {
    typealias Validator = @Sendable (String) -> AuthorizationCallback.Outcome

    /// How many unanswered callbacks are held while nobody waits.
    static let maximumHeld = 16
    /// How long a held callback waits for someone to wait for it.
    static let holdLimit: TimeAmount = .seconds(120)

    private struct Held {
        let id: Int
        let query: String
        let reply: EventLoopPromise<CallbackPage>
        var expiry: Scheduled<Void>?
    }

    private struct Waiter {
        let id: Int
        let serverName: String?
        let validate: Validator
        let continuation: CheckedContinuation<String, any Error>
    }

    private struct State {
        var waiter: Waiter?
        var held: [Held] = []
        var nextID = 0
        var closed = false
    }

    /// What to do once the lock is released: answer browsers, wake the waiter.
    private struct Effects {
        var replies: [(EventLoopPromise<CallbackPage>, CallbackPage)] = []
        var expiries: [Scheduled<Void>] = []
        var resume: (CheckedContinuation<String, any Error>, Result<String, any Error>)?
        var heldCount: Int?

        func run() {
            for expiry in self.expiries { expiry.cancel() }
            for (promise, page) in self.replies { promise.succeed(page) }
            if let (continuation, result) = self.resume { continuation.resume(with: result) }
        }
    }

    private let state = NIOLockedValueBox(State())
    /// Told how many callbacks are held each time one is: tests await it instead of sleeping.
    let onHold = NIOLockedValueBox<(@Sendable (Int) -> Void)?>(nil)

    /// The page for a callback with `query`, once it is judged (at once while someone waits, else when a wait
    /// begins or the hold expires).
    func deliver(query: String, on eventLoop: any EventLoop) -> EventLoopFuture<CallbackPage> {
        let promise = eventLoop.makePromise(of: CallbackPage.self)
        let effects = self.state.withLockedValue { state -> Effects in
            var effects = Effects()
            if state.closed {
                effects.replies.append((promise, .notWaiting))
            } else if let waiter = state.waiter {
                let (page, result) = Self.judge(query, waiter)
                effects.replies.append((promise, page))
                if let result {
                    state.waiter = nil
                    effects.resume = (waiter.continuation, result)
                }
            } else if state.held.count >= Self.maximumHeld {
                effects.replies.append((promise, .busy))
            } else {
                let id = state.nextID
                state.nextID += 1
                let expiry = eventLoop.scheduleTask(in: Self.holdLimit) { self.expire(id) }
                state.held.append(Held(id: id, query: query, reply: promise, expiry: expiry))
                effects.heldCount = state.held.count
            }
            return effects
        }
        effects.run()
        if let count = effects.heldCount, let onHold = self.onHold.withLockedValue({ $0 }) { onHold(count) }
        return promise.futureResult
    }

    /// The code of the first callback that `validate` accepts, among those held and those still to come.
    func wait(serverName: String?, _ validate: @escaping Validator) async throws -> String {
        let id = self.state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let effects = self.state.withLockedValue { state -> Effects in
                    var effects = Effects()
                    if state.closed {
                        effects.resume = (continuation, .failure(Self.closedError))
                        return effects
                    }
                    if Task.isCancelled {
                        effects.resume = (continuation, .failure(CancellationError()))
                        return effects
                    }
                    if state.waiter != nil {
                        effects.resume = (
                            continuation,
                            .failure(BridgeError.configuration("a sign-in is already waiting on this listener"))
                        )
                        return effects
                    }
                    let waiter = Waiter(id: id, serverName: serverName, validate: validate, continuation: continuation)
                    while effects.resume == nil, !state.held.isEmpty {
                        let held = state.held.removeFirst()
                        if let expiry = held.expiry { effects.expiries.append(expiry) }
                        let (page, result) = Self.judge(held.query, waiter)
                        effects.replies.append((held.reply, page))
                        if let result { effects.resume = (continuation, result) }
                    }
                    if effects.resume == nil { state.waiter = waiter }
                    return effects
                }
                effects.run()
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { state -> Waiter? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Ends every wait and answers every held callback: nothing more will be judged.
    func close() {
        let effects = self.state.withLockedValue { state -> Effects in
            var effects = Effects()
            state.closed = true
            for held in state.held {
                if let expiry = held.expiry { effects.expiries.append(expiry) }
                effects.replies.append((held.reply, .notWaiting))
            }
            state.held = []
            if let waiter = state.waiter {
                effects.resume = (waiter.continuation, .failure(Self.closedError))
                state.waiter = nil
            }
            return effects
        }
        effects.run()
    }

    static let closedError = BridgeError.authorization("the sign-in was abandoned: its callback listener closed")

    private func expire(_ id: Int) {
        let held = self.state.withLockedValue { state -> Held? in
            guard let index = state.held.firstIndex(where: { $0.id == id }) else { return nil }
            return state.held.remove(at: index)
        }
        held?.reply.succeed(.notWaiting)
    }

    /// The page for `query`, and the wait's result when the callback ends it.
    private static func judge(_ query: String, _ waiter: Waiter) -> (CallbackPage, Result<String, any Error>?) {
        switch waiter.validate(query) {
        case .notThisFlow: (.outOfDate, nil)
        case .code(let code): (.signedIn(server: waiter.serverName), .success(code))
        case .failed(let error): (.failed(server: waiter.serverName, error: error), .failure(error))
        }
    }
}
