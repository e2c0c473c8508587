// Wire names of what 2026-07-28 moved onto streams and round trips (subscriptions/listen, multi round-trip
// requests), and of the legacy server-to-client requests and notifications they replace, so the server and the
// bridge spell them once.

extension MCPMethod {
    /// 2026-07-28: opens a long-lived stream of the change notifications the client opts into.
    public static let subscriptionsListen = "subscriptions/listen"
    /// 2026-07-28: the first message on a `subscriptions/listen` stream, with the filter the server honours.
    public static let subscriptionsAcknowledgedNotification = "notifications/subscriptions/acknowledged"
    /// The tool list changed (2026-07-28: only on a listen stream that asked for `toolsListChanged`).
    public static let toolsListChangedNotification = "notifications/tools/list_changed"
    /// The prompt list changed (2026-07-28: only on a listen stream that asked for `promptsListChanged`).
    public static let promptsListChangedNotification = "notifications/prompts/list_changed"
    /// The resource list changed (2026-07-28: only on a listen stream that asked for `resourcesListChanged`).
    public static let resourcesListChangedNotification = "notifications/resources/list_changed"
    /// A subscribed resource changed; `params.uri` names it.
    public static let resourcesUpdatedNotification = "notifications/resources/updated"
    /// Legacy: subscribe to one resource's updates (2026-07-28 uses `resourceSubscriptions` on a listen stream).
    public static let resourcesSubscribe = "resources/subscribe"
    /// Legacy: end a `resources/subscribe`.
    public static let resourcesUnsubscribe = "resources/unsubscribe"
    /// A question for the user: a legacy server-to-client request, or an entry of 2026-07-28 `inputRequests`.
    public static let elicitationCreate = "elicitation/create"
    /// A model completion: a legacy server-to-client request, or an entry of 2026-07-28 `inputRequests`.
    public static let samplingCreateMessage = "sampling/createMessage"
    /// The client's roots: a legacy server-to-client request, or an entry of 2026-07-28 `inputRequests`.
    public static let rootsList = "roots/list"
    /// Legacy: sets the level of `notifications/message` (2026-07-28 uses `_meta` `logLevel` per request).
    public static let loggingSetLevel = "logging/setLevel"
    /// A log message from the server.
    public static let messageNotification = "notifications/message"
}

extension MCPMetaKey {
    /// 2026-07-28: on every message of a `subscriptions/listen` stream (and its final result): the JSON-RPC id of
    /// the `subscriptions/listen` request that opened it.
    public static let subscriptionId = "io.modelcontextprotocol/subscriptionId"
}

/// 2026-07-28 `resultType` values, and the member that carries them on every result.
public enum MCPResultType {
    /// The result member.
    public static let key = "resultType"
    /// The request is done; what a client assumes when the member is absent.
    public static let complete = "complete"
    /// The server needs input first: the result carries `inputRequests` and/or `requestState`.
    public static let inputRequired = "input_required"
}

/// 2026-07-28 multi round-trip requests: the members of an `input_required` result and of the retry.
public enum MCPInputKey {
    /// Result member: a map from server-chosen keys to requests (`elicitation/create`, …) for the client.
    public static let inputRequests = "inputRequests"
    /// Retry params member: a map from the same keys to the client's results.
    public static let inputResponses = "inputResponses"
    /// Result member and retry params member: opaque server state the client echoes unchanged.
    public static let requestState = "requestState"
}

/// 2026-07-28 `subscriptions/listen` `params.notifications` members (also echoed in the acknowledgement).
public enum MCPSubscriptionFilterKey {
    /// The params member holding the filter.
    public static let notifications = "notifications"
    public static let toolsListChanged = "toolsListChanged"
    public static let promptsListChanged = "promptsListChanged"
    public static let resourcesListChanged = "resourcesListChanged"
    /// An array of resource URIs whose `notifications/resources/updated` the client wants.
    public static let resourceSubscriptions = "resourceSubscriptions"
}
