import MCPWire

/// The notifications one `subscriptions/listen` stream opted into (`params.notifications`), as the server honours
/// them.
struct SubscriptionFilter: Sendable, Hashable {
    var toolsListChanged = false
    var promptsListChanged = false
    var resourcesListChanged = false
    /// The subscribed resource URIs, in the client's order without repeats; `nil` when the client asked for none.
    var resourceURIs: [String]?

    /// Reads `params.notifications`, keeping at most `maxResourceURIs` URIs (the acknowledgement tells the client
    /// which).
    /// - Throws: `JSONRPCError` (-32602) naming the member that is missing or has the wrong type.
    init(params: [String: JSONValue], maxResourceURIs: Int) throws(JSONRPCError) {
        let key = MCPSubscriptionFilterKey.notifications
        guard case .object(let members) = params[key] else {
            throw .invalidParams("subscriptions/listen needs params.\(key) (an object)")
        }
        func flag(_ name: String) throws(JSONRPCError) -> Bool {
            switch members[name] {
            case nil, .null: return false
            case .bool(let value): return value
            default: throw .invalidParams("params.\(key).\(name) must be a boolean")
            }
        }
        self.toolsListChanged = try flag(MCPSubscriptionFilterKey.toolsListChanged)
        self.promptsListChanged = try flag(MCPSubscriptionFilterKey.promptsListChanged)
        self.resourcesListChanged = try flag(MCPSubscriptionFilterKey.resourcesListChanged)
        switch members[MCPSubscriptionFilterKey.resourceSubscriptions] {
        case nil, .null:
            self.resourceURIs = nil
        case .array(let elements):
            var uris: [String] = []
            for element in elements {
                guard case .string(let uri) = element, !uri.isEmpty else {
                    throw .invalidParams(
                        "params.\(key).\(MCPSubscriptionFilterKey.resourceSubscriptions) must be an array of URIs"
                    )
                }
                if !uris.contains(uri), uris.count < maxResourceURIs { uris.append(uri) }
            }
            self.resourceURIs = uris
        default:
            throw .invalidParams(
                "params.\(key).\(MCPSubscriptionFilterKey.resourceSubscriptions) must be an array of URIs"
            )
        }
    }

    /// `true` when the stream asked for `change`.
    func wants(_ change: ChangeFeed.Change) -> Bool {
        switch change {
        case .toolsListChanged: self.toolsListChanged
        case .promptsListChanged: self.promptsListChanged
        case .resourcesListChanged: self.resourcesListChanged
        case .resourceUpdated(let uri): self.resourceURIs?.contains(uri) ?? false
        }
    }

    /// The acknowledgement's `notifications`: only what is honoured (types not asked for are omitted).
    var json: JSONValue {
        var members: [String: JSONValue] = [:]
        if self.toolsListChanged { members[MCPSubscriptionFilterKey.toolsListChanged] = true }
        if self.promptsListChanged { members[MCPSubscriptionFilterKey.promptsListChanged] = true }
        if self.resourcesListChanged { members[MCPSubscriptionFilterKey.resourcesListChanged] = true }
        if let uris = self.resourceURIs {
            members[MCPSubscriptionFilterKey.resourceSubscriptions] = .array(uris.map { .string($0) })
        }
        return .object(members)
    }

    /// The most changes a stream can have waiting: each kind once (they coalesce), so the list kinds plus the URIs.
    var maxPending: Int { 3 + (self.resourceURIs?.count ?? 0) }
}
