import MCPWire

/// The notifications one `subscriptions/listen` stream opted into (`params.notifications`), as the server honours
/// them.
struct SubscriptionFilter: Sendable, Hashable {
    var toolsListChanged = false
    var promptsListChanged = false
    var resourcesListChanged = false
    /// The subscribed resource URIs, in the client's order without repeats; `nil` when the client asked for none.
    private(set) var resourceURIs: [String]?
    /// The same URIs, for the lookup every published update makes.
    private var resourceURISet: Set<String> = []

    /// What the server honours of a filter.
    struct Bounds: Sendable, Hashable {
        /// URIs at most.
        var maxURIs: Int
        /// The longest URI (UTF-8 bytes).
        var maxURIBytes: Int
        /// All URIs together (UTF-8 bytes).
        var maxTotalBytes: Int
    }

    /// Reads `params.notifications`, honouring only resource URIs that `offers` (the catalog's resources and
    /// templates), within `bounds`; the acknowledgement tells the client which.
    /// - Throws: `JSONRPCError` (-32602) naming the member that is missing or has the wrong type.
    init(params: [String: JSONValue], bounds: Bounds, offers: (String) -> Bool) throws(JSONRPCError) {
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
        let subscriptionsKey = MCPSubscriptionFilterKey.resourceSubscriptions
        switch members[subscriptionsKey] {
        case nil, .null:
            self.resourceURIs = nil
        case .array(let elements):
            var uris: [String] = []
            var totalBytes = 0
            for element in elements {
                guard case .string(let uri) = element, !uri.isEmpty else {
                    throw .invalidParams("params.\(key).\(subscriptionsKey) must be an array of URIs")
                }
                // Cheapest checks first: the count, the sizes, repeats, and only then the catalog's templates.
                guard uris.count < bounds.maxURIs else { continue }
                let bytes = uri.utf8.count
                guard bytes <= bounds.maxURIBytes, totalBytes + bytes <= bounds.maxTotalBytes,
                    !self.resourceURISet.contains(uri), offers(uri)
                else { continue }
                uris.append(uri)
                self.resourceURISet.insert(uri)
                totalBytes += bytes
            }
            self.resourceURIs = uris
        default:
            throw .invalidParams("params.\(key).\(subscriptionsKey) must be an array of URIs")
        }
    }

    /// `true` when nothing is honoured: such a stream could never carry a notification.
    var isEmpty: Bool {
        !self.toolsListChanged && !self.promptsListChanged && !self.resourcesListChanged
            && self.resourceURISet.isEmpty
    }

    /// `true` when the stream asked for `change`.
    func wants(_ change: ChangeFeed.Change) -> Bool {
        switch change {
        case .toolsListChanged: self.toolsListChanged
        case .promptsListChanged: self.promptsListChanged
        case .resourcesListChanged: self.resourcesListChanged
        case .resourceUpdated(let uri): self.resourceURISet.contains(uri)
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
