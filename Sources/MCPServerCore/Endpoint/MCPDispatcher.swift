public import Logging
public import MCPWire

/// Answers MCP JSON-RPC messages for every protocol era, statelessly.
///
/// It knows nothing of HTTP libraries: the local server and the Lambda adapter both hand it the body and
/// a header lookup and turn the ``MCPReply`` into their own response. Nothing is kept between requests,
/// so any process can answer any request; what outlives a request is bounded, per process and per client, and ends
/// by the access token's expiry: open `subscriptions/listen` streams (``changes``) and legacy-era questions waiting
/// for the client's answer (``limits``).
///
/// Era rules: a request whose `_meta` carries `io.modelcontextprotocol/protocolVersion`, or whose
/// `MCP-Protocol-Version` header names a modern revision, or that is `server/discover`, follows
/// 2026-07-28; everything else follows the `initialize`-based revisions, with a missing header meaning
/// 2025-03-26. Only ``protocolVersions`` are served: a deployment without the modern era answers like a legacy
/// server that never heard of it, and one without the legacy era refuses `initialize` naming the versions it has.
public struct MCPDispatcher: Sendable {
    /// The catalog served.
    public let catalog: MCPCatalog
    /// `serverInfo`.
    public let serverInfo: MCPImplementation
    /// Guidance for the model, sent in `initialize` and `server/discover` results.
    public let instructions: String?
    /// How long clients may cache list results and `server/discover` (2026-07-28 `ttlMs`).
    public let cacheTTLMilliseconds: Int
    /// Whether an answer may be an SSE stream: progress before a tool's result, a `subscriptions/listen` stream, a
    /// legacy-era question to the client. `false` on Lambda, whose buffered responses can only carry one JSON
    /// answer: there listen ends at once and legacy questions fail as tool errors.
    public let streamsProgress: Bool
    /// The protocol versions served (`--protocol-versions`).
    public let protocolVersions: ServedProtocolVersions
    /// Bounds on listen streams, pending questions and request state.
    public let limits: InteractionLimits
    /// MCP extensions announced in `capabilities.extensions` (identifier → settings object), such as
    /// ``MCPExtension/oauthClientCredentials`` when the server's authorization server issues client credentials.
    public let extensions: [String: JSONValue]
    /// Changes reported to `subscriptions/listen` streams; publish here from outside tool calls.
    public let changes: ChangeFeed
    let pendingRequests: PendingClientRequests
    /// Legacy calls answered on a stream, for `notifications/cancelled`.
    let inFlightCalls = InFlightCalls()
    let requestState: RequestStateSealer

    /// - Parameter requestStateKeys: the keys 2026-07-28 `requestState` is signed with; give every process that
    ///   may receive a retry the same ones (``RequestStateKeys/derived(from:)``). The default is a random key for
    ///   this process.
    /// - Parameter extensions: the extensions to announce (``extensions``).
    public init(
        catalog: MCPCatalog,
        serverInfo: MCPImplementation = MCPImplementation(name: "remote-mcp", version: RemoteMCP.version),
        instructions: String? = nil,
        cacheTTLMilliseconds: Int = 300_000,
        streamsProgress: Bool = true,
        protocolVersions: ServedProtocolVersions = .all,
        limits: InteractionLimits = InteractionLimits(),
        requestStateKeys: RequestStateKeys = .random(),
        extensions: [String: JSONValue] = [:]
    ) {
        self.catalog = catalog
        self.serverInfo = serverInfo
        self.instructions = instructions
        self.cacheTTLMilliseconds = cacheTTLMilliseconds
        self.streamsProgress = streamsProgress
        self.protocolVersions = protocolVersions
        self.limits = limits
        self.extensions = extensions
        self.changes = ChangeFeed(
            maxSubscribers: limits.maxListeners,
            maxSubscribersPerClient: limits.maxListenersPerClient
        )
        self.pendingRequests = PendingClientRequests(
            limit: limits.maxPendingQuestions,
            perClientLimit: limits.maxQuestionsPerClient
        )
        self.requestState = RequestStateSealer(keys: requestStateKeys, lifetime: limits.requestStateLifetime)
    }

    /// Answers one POSTed body.
    /// - Parameter authorization: what the caller's token allows; `nil` when authentication is off.
    public func handle(
        body: [UInt8],
        head: MCPRequestHead,
        logger: Logger,
        authorization: MCPAuthorization? = nil
    ) async -> MCPReply {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(parsing: body)
        } catch {
            logger.debug("Rejected MCP message", metadata: ["reason": "\(error.error.message)"])
            return .message(status: 400, JSONRPCErrorResponse(id: error.id, error: error.error).json)
        }
        let headerVersion = head.protocolVersion.map(MCPProtocolVersion.init(rawValue:))
        let client = ClientKey(authorization: authorization, address: head.clientAddress)
        switch message {
        case .request(let request):
            let modern =
                request.meta?[MCPMetaKey.protocolVersion] != nil || request.method == MCPMethod.discover
                || headerVersion?.era == .modern
            var logger = logger
            logger[metadataKey: "rpc.method"] = "\(request.method)"
            if modern, self.protocolVersions.serves(.modern) {
                return await self.handleModern(
                    request,
                    head: head,
                    client: client,
                    logger: logger,
                    authorization: authorization
                )
            }
            if modern, request.method == MCPMethod.discover {
                // A legacy-only deployment answers as a legacy server that never heard of the method: in a 200,
                // which a dual-era client's probe reads as "legacy" and falls back to initialize. (-32022 would
                // tell it the server is modern.)
                let error = JSONRPCError.methodNotFound(request.method)
                return .message(status: 200, JSONRPCErrorResponse(id: request.id, error: error).json)
            }
            return await self.handleLegacy(
                request,
                head: head,
                headerVersion: headerVersion,
                client: client,
                logger: logger,
                authorization: authorization
            )
        case .notification(let notification):
            if let headerVersion, !self.protocolVersions.serves(headerVersion) {
                return .message(status: 400, self.unsupportedVersion(headerVersion.rawValue, id: nil))
            }
            return self.notified(notification, headerVersion: headerVersion, client: client, logger: logger)
        case .response(let response):
            return self.accept(
                response.id,
                .result(response.result),
                headerVersion: headerVersion,
                client: client,
                logger: logger,
                authorization: authorization
            )
        case .errorResponse(let response):
            return self.accept(
                response.id,
                .error(response.error),
                headerVersion: headerVersion,
                client: client,
                logger: logger,
                authorization: authorization
            )
        }
    }

    // MARK: - Eras

    private func handleLegacy(
        _ request: JSONRPCRequest,
        head: MCPRequestHead,
        headerVersion: MCPProtocolVersion?,
        client: ClientKey,
        logger: Logger,
        authorization: MCPAuthorization?
    ) async -> MCPReply {
        let served = self.protocolVersions.legacy
        guard let latestServed = served.last else {
            // A modern-only deployment names what it speaks: a legacy client has no way forward, and this message
            // may be all it can show its user (2026-07-28 versioning).
            let requested =
                request.method == MCPMethod.initialize
                ? request.params?["protocolVersion"]?.stringValue ?? "none"
                : (headerVersion ?? MCPProtocolVersion.assumedWhenHeaderAbsent).rawValue
            return .message(status: 400, self.unsupportedVersion(requested, id: request.id))
        }
        let version: MCPProtocolVersion
        if request.method == MCPMethod.initialize {
            version = latestServed
        } else if let headerVersion {
            guard served.contains(headerVersion) else {
                return .message(status: 400, self.unsupportedVersion(headerVersion.rawValue, id: request.id))
            }
            version = headerVersion
        } else {
            // The spec's assumption is a SHOULD; when 2025-03-26 is not served, the newest served version is the
            // likelier truth than a refusal of a client that merely left the header out.
            let assumed = MCPProtocolVersion.assumedWhenHeaderAbsent
            version = served.contains(assumed) ? assumed : latestServed
        }
        let call = Call(
            request: request,
            era: .legacy,
            version: version,
            logger: logger,
            authorization: authorization,
            client: client,
            resource: head.resource
        )
        return await self.dispatch(call)
    }

    private func handleModern(
        _ request: JSONRPCRequest,
        head: MCPRequestHead,
        client: ClientKey,
        logger: Logger,
        authorization: MCPAuthorization?
    ) async -> MCPReply {
        func reject(_ error: JSONRPCError) -> MCPReply {
            .message(
                status: Self.modernStatus(for: error.code),
                JSONRPCErrorResponse(id: request.id, error: error).json
            )
        }
        guard let meta = request.meta, case .string(let requested) = meta[MCPMetaKey.protocolVersion] else {
            return reject(.invalidParams("params._meta[\"\(MCPMetaKey.protocolVersion)\"] is required"))
        }
        guard case .object = meta[MCPMetaKey.clientCapabilities] else {
            return reject(.invalidParams("params._meta[\"\(MCPMetaKey.clientCapabilities)\"] is required (an object)"))
        }
        guard let header = head.protocolVersion else {
            return reject(Self.headerMismatch("the \(MCPHeader.protocolVersion) header is required"))
        }
        guard header == requested else {
            return reject(
                Self.headerMismatch(
                    "\(MCPHeader.protocolVersion) header '\(header)' does not match _meta protocolVersion '\(requested)'"
                )
            )
        }
        let version = MCPProtocolVersion(rawValue: requested)
        guard version.era == .modern, self.protocolVersions.serves(version) else {
            return .message(status: 400, self.unsupportedVersion(requested, id: request.id))
        }
        guard let methodHeader = head.header(MCPHeader.method) else {
            return reject(Self.headerMismatch("the \(MCPHeader.method) header is required"))
        }
        guard methodHeader == request.method else {
            return reject(
                Self.headerMismatch(
                    "\(MCPHeader.method) header '\(methodHeader)' does not match method '\(request.method)'"
                )
            )
        }
        if let nameKey = Self.nameKeys[request.method], case .string(let bodyName) = request.params?[nameKey] {
            guard let rawHeader = head.header(MCPHeader.name) else {
                return reject(Self.headerMismatch("the \(MCPHeader.name) header is required for \(request.method)"))
            }
            guard let headerName = MCPHeader.decodeValue(rawHeader) else {
                return reject(Self.headerMismatch("the \(MCPHeader.name) header is malformed"))
            }
            guard headerName == bodyName else {
                return reject(Self.headerMismatch("\(MCPHeader.name) header does not match params.\(nameKey)"))
            }
        }
        if request.method == MCPMethod.toolsCall, case .string(let name) = request.params?["name"],
            let tool = self.catalog.tool(named: name),
            let mismatch = MirroredHeaders.firstMismatch(
                tool.mirroredHeaders,
                arguments: request.params?["arguments"],
                header: head.header
            )
        {
            return reject(Self.headerMismatch(mismatch))
        }
        let call = Call(
            request: request,
            era: .modern,
            version: version,
            logger: logger,
            authorization: authorization,
            client: client,
            resource: head.resource
        )
        return await self.dispatch(call)
    }

    /// The body member each method mirrors into `Mcp-Name`.
    private static let nameKeys = [
        MCPMethod.toolsCall: "name",
        MCPMethod.resourcesRead: "uri",
        MCPMethod.promptsGet: "name",
    ]

    private static func headerMismatch(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: .headerMismatch, message: "Header mismatch: \(detail)")
    }

    private func unsupportedVersion(_ requested: String, id: JSONRPCID?) -> JSONValue {
        let supported = self.protocolVersions.newestFirst
        // The versions go in the message too: a legacy client may show only the message to its user.
        let names = supported.compactMap(\.stringValue).joined(separator: ", ")
        let error = JSONRPCError(
            code: .unsupportedProtocolVersion,
            message: "Unsupported protocol version: \(requested) (supported: \(names))",
            data: ["supported": .array(supported), "requested": .string(requested)]
        )
        return JSONRPCErrorResponse(id: id, error: error).json
    }

    /// The scope a method needs (see ``OAuthScope``); `nil` for the handshake and discovery.
    public static func requiredScope(for method: String) -> String? {
        switch method {
        case MCPMethod.toolsCall: OAuthScope.tools
        case MCPMethod.toolsList, MCPMethod.resourcesList, MCPMethod.resourcesTemplatesList, MCPMethod.resourcesRead,
            MCPMethod.promptsList, MCPMethod.promptsGet, MCPMethod.subscriptionsListen:
            OAuthScope.read
        default: nil
        }
    }

    /// 2026-07-28 maps protocol errors onto HTTP statuses; other errors travel in a 200.
    static func modernStatus(for code: JSONRPCErrorCode) -> Int {
        switch code {
        case .methodNotFound: 404
        case .parseError, .invalidRequest, .invalidParams, .headerMismatch, .missingRequiredClientCapability,
            .unsupportedProtocolVersion:
            400
        default: 200
        }
    }
}
