/// Bounds on what a client can make the server hold for it: open `subscriptions/listen` streams, questions waiting
/// for a legacy client's answer, and how long 2026-07-28 request state stays valid.
///
/// Every stream and every wait ends, so a misbehaving or vanished client costs a bounded amount for a bounded time.
public struct InteractionLimits: Sendable, Hashable {
    /// Open `subscriptions/listen` streams per process; one more gets an error.
    public var maxListeners: Int
    /// Resource URIs one listen stream may subscribe to; the acknowledgement names the ones honoured.
    public var maxResourceSubscriptions: Int
    /// How long a listen stream stays open before the server ends it with its completion result (the client
    /// opens a new one).
    public var listenLifetime: Duration
    /// How often a quiet listen stream carries an SSE comment, so proxies and idle timeouts leave it open.
    public var keepAliveInterval: Duration
    /// Legacy-era questions (`elicitation/create` on a call's stream) waiting for an answer at once, per process.
    public var maxPendingQuestions: Int
    /// How long a legacy-era question waits for the client's answer.
    public var questionTimeout: Duration
    /// How long a 2026-07-28 `requestState` may be presented after it was issued.
    public var requestStateLifetime: Duration

    public init(
        maxListeners: Int = 256,
        maxResourceSubscriptions: Int = 100,
        listenLifetime: Duration = .seconds(3600),
        keepAliveInterval: Duration = .seconds(15),
        maxPendingQuestions: Int = 64,
        questionTimeout: Duration = .seconds(300),
        requestStateLifetime: Duration = .seconds(600)
    ) {
        self.maxListeners = maxListeners
        self.maxResourceSubscriptions = maxResourceSubscriptions
        self.listenLifetime = listenLifetime
        self.keepAliveInterval = keepAliveInterval
        self.maxPendingQuestions = maxPendingQuestions
        self.questionTimeout = questionTimeout
        self.requestStateLifetime = requestStateLifetime
    }
}
