import MCPWire
import NIOConcurrencyHelpers

/// One request a modern host made of a legacy server, running upstream for as long as it takes: the server's own
/// requests on its stream (elicitation, sampling, roots) come out of ``events`` one at a time, each becoming an
/// `input_required` result for the host, and the final answer ends it. It outlives the host's first request,
/// since the host's retry carries the answers.
final class UpstreamCall: Sendable {
    enum Event: Sendable {
        /// The server asks the host something (a legacy server-to-client request).
        case serverRequest(JSONRPCRequest)
        /// The server's answer to the call.
        case answer(JSONRPCMessage)
        /// No answer will come.
        case failed(BridgeError)
    }

    /// The id the call has upstream.
    let id: JSONRPCID
    let method: String
    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let serverRequests = NIOLockedValueBox(0)
    private let finished = NIOLockedValueBox(false)
    private let cancelled = NIOLockedValueBox(false)
    /// The progress token of the host request waiting on the call now (the first, then each retry); `nil` while
    /// the call is parked, when progress has no one to go to.
    let hostProgressToken = NIOLockedValueBox<JSONValue?>(nil)
    /// Most server requests one call may make; beyond it they are refused upstream.
    static let serverRequestLimit = 32

    init(id: JSONRPCID, method: String) {
        self.id = id
        self.method = method
        (self.events, self.continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// Starts `body`, which sends the request upstream and reports through ``report(_:)``.
    func start(_ body: @escaping @Sendable (UpstreamCall) async -> Void) {
        let task = Task { await body(self) }
        self.task.withLockedValue { $0 = task }
        // Cancelled before it started (the bridge closed meanwhile): stop it now.
        if self.cancelled.withLockedValue({ $0 }) { task.cancel() }
    }

    /// Takes a server request for the host; `false` when the call already made too many.
    func report(serverRequest request: JSONRPCRequest) -> Bool {
        let count = self.serverRequests.withLockedValue { count in
            count += 1
            return count
        }
        guard count <= Self.serverRequestLimit else { return false }
        self.continuation.yield(.serverRequest(request))
        return true
    }

    /// Ends the call with its answer or failure.
    func finish(_ event: Event) {
        self.finished.withLockedValue { $0 = true }
        self.continuation.yield(event)
        self.continuation.finish()
    }

    /// Whether the server answered (or the call failed).
    var isFinished: Bool { self.finished.withLockedValue { $0 } }

    /// Stops the call: the request upstream is cancelled (its stream closed).
    func cancel() {
        self.cancelled.withLockedValue { $0 = true }
        self.task.withLockedValue { $0 }?.cancel()
        self.continuation.finish()
    }
}
