/// Bounds on what a client can make the server hold for it: open `subscriptions/listen` streams, questions waiting
/// for a legacy client's answer, and how long 2026-07-28 request state stays valid.
///
/// Every stream and every wait ends, so a misbehaving or vanished client costs a bounded amount for a bounded time;
/// and every bound also holds per client, so one client cannot use up what the others need. A "client" is the
/// access token's client, or with authentication off the caller's address.
public struct InteractionLimits: Sendable, Hashable {
    /// Open `subscriptions/listen` streams per process; one more gets 503 with `Retry-After`.
    public var maxListeners: Int
    /// Open `subscriptions/listen` streams per client; one more gets 429 with `Retry-After`.
    public var maxListenersPerClient: Int
    /// Resource URIs one listen stream may subscribe to; the acknowledgement names the ones honoured.
    public var maxResourceSubscriptions: Int
    /// The longest resource URI (UTF-8 bytes) a listen stream honours.
    public var maxResourceURIBytes: Int
    /// The most resource-URI bytes one listen stream honours in all; with ``maxResourceURIBytes`` it bounds what a
    /// stream's filter costs.
    public var maxSubscriptionBytes: Int
    /// How long a listen stream stays open before the server ends it with its completion result (the client
    /// opens a new one); never longer than the access token it was opened with.
    public var listenLifetime: Duration
    /// How often a quiet SSE answer (a listen stream, a tool call waiting for an answer) carries an SSE comment, so
    /// proxies and idle timeouts leave it open, and a connection the client has dropped is noticed.
    public var keepAliveInterval: Duration
    /// How long one write of an SSE answer may wait for a client that stopped reading; then the connection is closed.
    public var writeTimeout: Duration
    /// Legacy-era questions (`elicitation/create` on a call's stream) waiting for an answer at once, per process.
    public var maxPendingQuestions: Int
    /// Legacy-era questions waiting for an answer at once, per client.
    public var maxQuestionsPerClient: Int
    /// How long a legacy-era question waits for the client's answer (never longer than the access token lives).
    public var questionTimeout: Duration
    /// How long a 2026-07-28 `requestState` may be presented after it was issued.
    public var requestStateLifetime: Duration

    public init(
        maxListeners: Int = 256,
        maxListenersPerClient: Int = 8,
        maxResourceSubscriptions: Int = 100,
        maxResourceURIBytes: Int = 2048,
        maxSubscriptionBytes: Int = 16384,
        listenLifetime: Duration = .seconds(3600),
        keepAliveInterval: Duration = .seconds(15),
        writeTimeout: Duration = .seconds(30),
        maxPendingQuestions: Int = 64,
        maxQuestionsPerClient: Int = 4,
        questionTimeout: Duration = .seconds(60),
        requestStateLifetime: Duration = .seconds(600)
    ) {
        self.maxListeners = maxListeners
        self.maxListenersPerClient = maxListenersPerClient
        self.maxResourceSubscriptions = maxResourceSubscriptions
        self.maxResourceURIBytes = maxResourceURIBytes
        self.maxSubscriptionBytes = maxSubscriptionBytes
        self.listenLifetime = listenLifetime
        self.keepAliveInterval = keepAliveInterval
        self.writeTimeout = writeTimeout
        self.maxPendingQuestions = maxPendingQuestions
        self.maxQuestionsPerClient = maxQuestionsPerClient
        self.questionTimeout = questionTimeout
        self.requestStateLifetime = requestStateLifetime
    }

    /// What a client is told to wait before asking again when a bound is reached (`Retry-After`).
    static let retryAfterSeconds = 30
}
