public import Logging
public import MCPWire

/// What a tool handler gets besides its arguments.
public struct ToolContext: Sendable {
    /// Logger of the request that called the tool.
    public let logger: Logger
    /// The protocol version of the request.
    public let protocolVersion: MCPProtocolVersion
    /// Where the tool announces changes (list changes, resource updates) to `subscriptions/listen` streams.
    public let changes: ChangeFeed
    let progressSink: (@Sendable (_ progress: Double, _ total: Double?, _ message: String?) async -> Void)?
    let input: InputChannel
    /// Who called: what per-client bounds of built-in tools count against.
    let client: ClientKey
    /// Who called, from the request's access token: the client, the person who signed in through it, and the granted
    /// scopes; `nil` when the server runs without authentication (`--auth none`). A tool whose answer depends on it
    /// registers with `answersPerCaller: true`, so 2026-07-28 clients never cache the answer for anyone else.
    public let caller: ToolCaller?

    public init(
        logger: Logger,
        protocolVersion: MCPProtocolVersion,
        progressSink: (@Sendable (Double, Double?, String?) async -> Void)? = nil,
        changes: ChangeFeed = ChangeFeed(maxSubscribers: 0),
        caller: ToolCaller? = nil
    ) {
        self.init(
            logger: logger,
            protocolVersion: protocolVersion,
            progressSink: progressSink,
            changes: changes,
            input: .unavailable("this call cannot ask the user for input"),
            client: caller.map { .client($0.clientID, person: $0.person?.id) } ?? .address(nil),
            caller: caller
        )
    }

    init(
        logger: Logger,
        protocolVersion: MCPProtocolVersion,
        progressSink: (@Sendable (Double, Double?, String?) async -> Void)?,
        changes: ChangeFeed,
        input: InputChannel,
        client: ClientKey,
        caller: ToolCaller?
    ) {
        self.logger = logger
        self.protocolVersion = protocolVersion
        self.progressSink = progressSink
        self.changes = changes
        self.input = input
        self.client = client
        self.caller = caller
    }

    /// `true` when the caller asked for progress (its request carried a `progressToken`).
    public var reportsProgress: Bool { self.progressSink != nil }

    /// Reports progress to the caller; does nothing when the caller did not ask for it.
    ///
    /// `progress` must grow with every call (MCP rule). The first report turns the HTTP answer into an
    /// SSE stream, so the caller sees each report before the result.
    public func progress(_ progress: Double, total: Double? = nil, message: String? = nil) async {
        await self.progressSink?(progress, total, message)
    }

    /// Asks the user to fill in a form (elicitation, form mode) and returns what they did.
    ///
    /// The tool must be registered with `asksForInput: true`. How the question travels depends on the era:
    /// - 2026-07-28: the first call ends the tool call with an `input_required` result whose
    ///   `inputRequests[key]` is the `elicitation/create` request. The client retries with the answer, the tool
    ///   runs again from the start, and this call returns the answer. Code before it therefore runs once per
    ///   round: keep side effects after it. Do not catch the errors it throws; the server needs them.
    /// - Legacy, on a host that streams (`mcp-server serve`): an `elicitation/create` request on the call's SSE
    ///   stream; this call returns when the client POSTs its response.
    ///
    /// - Parameters:
    ///   - key: names the question in `inputRequests`; unique among the questions of one tool.
    ///   - requestedSchema: a flat JSON Schema object of primitive properties (the spec's restricted subset).
    /// - Returns: what the user did; with ``ElicitationResult/Action/accept``, content that fits `requestedSchema`
    ///   (as far as the server's schema check goes: types, `required`, `enum` and bounds).
    /// - Throws: ``ToolError`` when the question cannot be asked: on Lambda in the legacy era, in a legacy version
    ///   older than 2025-06-18 (no elicitation), with too many questions open, without an answer in time, or when
    ///   the client answers with an error; and when an accepted answer does not fit `requestedSchema`.
    public func elicit(key: String, message: String, requestedSchema: JSONValue) async throws -> ElicitationResult {
        let result = try await self.question(key: key, message: message, requestedSchema: requestedSchema)
        // The client is meant to check the form against the schema, but its answer is input like any other: a
        // malformed accept must not read as some default (a missing boolean as "no").
        if result.action == .accept,
            let violation = JSONSchemaCheck.firstViolation(
                of: requestedSchema,
                in: .object(result.content ?? [:]),
                path: "content"
            )
        {
            throw ToolError("The answer to the question does not fit the requested form: \(violation)")
        }
        return result
    }

    private func question(key: String, message: String, requestedSchema: JSONValue) async throws -> ElicitationResult {
        switch self.input {
        case .roundTrip(let answers, let formElicitation):
            if let answer = answers[key] {
                guard let result = ElicitationResult(json: answer) else {
                    throw InvalidInputResponse(
                        message: "inputResponses.\(key) is not an elicitation result (action accept, decline or cancel)"
                    )
                }
                return result
            }
            guard formElicitation else {
                throw MissingClientCapability(requiredCapabilities: ["elicitation": ["form": [:]]])
            }
            let params: JSONValue = ["mode": "form", "message": .string(message), "requestedSchema": requestedSchema]
            throw InputRequired(key: key, request: ["method": .string(MCPMethod.elicitationCreate), "params": params])
        case .serverRequest(let channel):
            return try await Self.askOnStream(channel, message: message, requestedSchema: requestedSchema)
        case .unavailable(let reason):
            throw ToolError(reason)
        }
    }

    private static func askOnStream(
        _ channel: ServerRequestChannel,
        message: String,
        requestedSchema: JSONValue
    ) async throws -> ElicitationResult {
        // Elicitation arrived in 2025-06-18; `mode` in 2025-11-25, where form mode may still omit it.
        guard channel.version >= .v2025_06_18 else {
            throw ToolError(
                "This tool asks the user a question (elicitation), which protocol version \(channel.version) does not "
                    + "have; connect with 2025-06-18 or later"
            )
        }
        let id: JSONRPCID
        switch channel.pending.open(client: channel.client, scope: channel.scope) {
        case .opened(let opened): id = opened
        case .full: throw ToolError("Too many questions are waiting for answers on this server; try again later")
        case .clientFull:
            throw ToolError(
                "This client has \(channel.pending.perClientLimit) questions waiting for answers already; answer or "
                    + "cancel one first"
            )
        }
        let params: JSONValue = ["message": .string(message), "requestedSchema": requestedSchema]
        channel.emit(JSONRPCRequest(id: id, method: MCPMethod.elicitationCreate, params: params.objectValue).json)
        switch await channel.pending.wait(for: id, timeout: channel.timeout) {
        case .answered(.result(let result)):
            guard let result = ElicitationResult(json: result) else {
                throw ToolError("The client's answer to the question is not an elicitation result")
            }
            return result
        case .answered(.error(let error)):
            throw ToolError("The client could not ask the user: \(error.message) (\(error.code))")
        case .timedOut:
            throw ToolError("No answer to the question within \(channel.timeout)")
        case .abandoned:
            try Task.checkCancellation()
            throw ToolError("The question was withdrawn: the server is shutting down, or the client was removed")
        }
    }
}

/// Throw this from a tool handler to fail the call with a message the caller may read.
///
/// Any other error fails the call too, but its text stays in the server log: it may hold internals.
public struct ToolError: Error, Sendable, Hashable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}
