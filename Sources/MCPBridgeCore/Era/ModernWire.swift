import MCPWire

/// The 2026-07-28 names era translation reads and writes, under short names (the shared ones are MCPWire's).
enum ModernWire {
    static let subscriptionsListen = MCPMethod.subscriptionsListen
    static let subscriptionsAcknowledged = MCPMethod.subscriptionsAcknowledgedNotification
    static let subscriptionID = MCPMetaKey.subscriptionId
    static let toolsListChanged = MCPMethod.toolsListChangedNotification
    static let promptsListChanged = MCPMethod.promptsListChangedNotification
    static let resourcesListChanged = MCPMethod.resourcesListChangedNotification
    static let resourcesUpdated = MCPMethod.resourcesUpdatedNotification
    static let resourcesSubscribe = MCPMethod.resourcesSubscribe
    static let resourcesUnsubscribe = MCPMethod.resourcesUnsubscribe
    static let loggingSetLevel = MCPMethod.loggingSetLevel
    static let loggingMessage = MCPMethod.messageNotification
    static let rootsListChanged = "notifications/roots/list_changed"
    static let elicitationCreate = MCPMethod.elicitationCreate
    static let samplingCreateMessage = MCPMethod.samplingCreateMessage
    static let rootsList = MCPMethod.rootsList

    static let resultType = MCPResultType.key
    static let inputRequired = MCPResultType.inputRequired
    static let complete = MCPResultType.complete
    static let inputRequests = MCPInputKey.inputRequests
    static let inputResponses = MCPInputKey.inputResponses
    static let requestState = MCPInputKey.requestState
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
