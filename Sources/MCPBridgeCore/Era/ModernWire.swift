import MCPWire

/// The 2026-07-28 names era translation reads and writes.
enum ModernWire {
    static let subscriptionsListen = "subscriptions/listen"
    static let subscriptionsAcknowledged = "notifications/subscriptions/acknowledged"
    static let subscriptionID = "io.modelcontextprotocol/subscriptionId"
    static let toolsListChanged = "notifications/tools/list_changed"
    static let promptsListChanged = "notifications/prompts/list_changed"
    static let resourcesListChanged = "notifications/resources/list_changed"
    static let resourcesUpdated = "notifications/resources/updated"
    static let resourcesSubscribe = "resources/subscribe"
    static let resourcesUnsubscribe = "resources/unsubscribe"
    static let loggingSetLevel = "logging/setLevel"
    static let loggingMessage = "notifications/message"
    static let rootsListChanged = "notifications/roots/list_changed"
    static let elicitationCreate = "elicitation/create"
    static let samplingCreateMessage = "sampling/createMessage"
    static let rootsList = "roots/list"

    static let resultType = "resultType"
    static let inputRequired = "input_required"
    static let complete = "complete"
    static let inputRequests = "inputRequests"
    static let inputResponses = "inputResponses"
    static let requestState = "requestState"
    static let ttlMilliseconds = "ttlMs"
    static let cacheScope = "cacheScope"

    /// The `_meta` keys only 2026-07-28 servers understand, removed before a request goes to a legacy server.
    static let modernMetaKeys: Set<String> = [
        MCPMetaKey.protocolVersion, MCPMetaKey.clientCapabilities, MCPMetaKey.clientInfo, MCPMetaKey.logLevel,
    ]

    /// Results 2026-07-28 requires caching hints on (`ttlMs`, `cacheScope`).
    static let cacheableMethods: Set<String> = [
        MCPMethod.toolsList, MCPMethod.promptsList, MCPMethod.resourcesList, MCPMethod.resourcesTemplatesList,
        MCPMethod.resourcesRead,
    ]

    /// The client capability each server-to-client request needs.
    static func requiredCapability(for method: String) -> String? {
        switch method {
        case elicitationCreate: "elicitation"
        case samplingCreateMessage: "sampling"
        case rootsList: "roots"
        default: nil
        }
    }

    /// Whether `code` is one of the errors only a 2026-07-28 server sends (-32020 … -32022).
    static func isModernError(_ code: JSONRPCErrorCode) -> Bool {
        (-32022 ... -32020).contains(code.rawValue)
    }
}
