import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension MCPDispatcher {
    /// How one tool run ended.
    private enum ToolOutcome {
        case result(MCPToolResult)
        /// 2026-07-28: the tool asked a question the request has no answer for.
        case inputRequired(InputRequired)
        /// 2026-07-28: the question needs a capability the request did not declare.
        case missingCapability(JSONValue)
        /// 2026-07-28: an `inputResponses` entry is not a valid answer.
        case invalidInput(String)
    }

    func callTool(_ call: Call) async -> MCPReply {
        guard case .string(let name) = call.params["name"] else {
            return self.reply(call, .failure(.invalidParams("tools/call needs params.name (a string)")))
        }
        guard let handler = self.catalog.tool(named: name) else {
            return self.reply(call, .failure(.invalidParams("unknown tool '\(name)'")))
        }
        let arguments = call.params["arguments"] ?? .object([:])
        var answers: [String: JSONValue] = [:]
        if call.era == .modern {
            switch self.answers(call, tool: name, arguments: arguments) {
            case .success(let gathered): answers = gathered
            case .failure(let error): return self.reply(call, .failure(error))
            }
        }
        var progressToken: JSONValue?
        switch call.request.meta?[MCPMetaKey.progressToken] {
        case .some(.string(let token)): progressToken = .string(token)
        case .some(.number(let token)) where token.isInteger: progressToken = .number(token)
        default: progressToken = nil
        }
        // A legacy question travels on the call's own stream, so a tool that may ask needs the gate too; other calls
        // skip it (and the task it costs).
        let asksOnStream = call.era == .legacy && handler.asksForInput
        guard self.streamsProgress, progressToken != nil || asksOnStream else {
            let input = self.inputChannel(call, handler: handler, answers: answers, emit: nil)
            let outcome = await self.runTool(handler, arguments: arguments, call: call, input: input, progressSink: nil)
            let (status, response) = self.answer(call, outcome, tool: handler, arguments: arguments, answers: answers)
            return .message(status: status, response)
        }

        let gate = ProgressGate()
        var sink: (@Sendable (Double, Double?, String?) async -> Void)?
        if let progressToken {
            sink = { progress, total, message in
                var params: [String: JSONValue] = [
                    "progressToken": progressToken, "progress": .number(JSONNumber(progress)),
                ]
                if let total { params["total"] = .number(JSONNumber(total)) }
                if let message { params["message"] = .string(message) }
                gate.emit(JSONRPCNotification(method: MCPMethod.progressNotification, params: params).json)
            }
        }
        let input = self.inputChannel(call, handler: handler, answers: answers, emit: { gate.emit($0) })
        // A legacy client may cancel the call (`notifications/cancelled`), which must reach the task that runs it.
        let registration =
            call.era == .legacy ? self.inFlightCalls.register(client: call.client, id: call.request.id) : nil
        // Unstructured on purpose: the tool must keep running after this function returns the stream, and
        // it is cancelled through the stream when the client goes away, or through the registration.
        let task = Task { [sink, inFlightCalls] in
            defer { if let registration { inFlightCalls.remove(registration) } }
            let outcome = await self.runTool(
                handler,
                arguments: arguments,
                call: call,
                input: input,
                progressSink: sink
            )
            let (status, response) = self.answer(call, outcome, tool: handler, arguments: arguments, answers: answers)
            if registration?.isCancelled == true {
                gate.withdraw(response, status: status)
            } else {
                gate.finish(response, status: status)
            }
        }
        registration?.attach(task)
        gate.cancelOnTermination(task)
        switch await gate.decision() {
        case .result(let status, let response): return .message(status: status, response)
        case .stream: return .stream(gate.events)
        }
    }

    // MARK: - Input

    /// 2026-07-28: the answers a retry brings, checked against its `requestState` (answers from earlier rounds are
    /// in the state; this round's in `inputResponses`, for the keys the state says were asked).
    private func answers(_ call: Call, tool: String, arguments: JSONValue) -> Result<[String: JSONValue], JSONRPCError>
    {
        let responses = call.params[MCPInputKey.inputResponses]
        switch call.params[MCPInputKey.requestState] {
        case nil, .null:
            guard responses == nil || responses == .null else {
                return .failure(
                    .invalidParams(
                        "\(MCPInputKey.inputResponses) must come with the \(MCPInputKey.requestState) of the input_required result they answer"
                    )
                )
            }
            return .success([:])
        case .string(let token):
            let contents: RequestStateSealer.Contents
            do {
                contents = try self.requestState.open(
                    token,
                    tool: tool,
                    arguments: arguments,
                    principal: call.authorization?.principal ?? "",
                    resource: call.resource
                )
            } catch {
                call.logger.debug("Refused a requestState", metadata: ["reason": "\(error.message)"])
                return .failure(.invalidParams(error.message))
            }
            var answers = contents.answers
            switch responses {
            case nil, .null: break
            case .object(let given):
                for key in contents.asked { if let answer = given[key] { answers[key] = answer } }
            default:
                return .failure(.invalidParams("\(MCPInputKey.inputResponses) must be an object"))
            }
            return .success(answers)
        default:
            return .failure(.invalidParams("\(MCPInputKey.requestState) must be a string"))
        }
    }

    private func inputChannel(
        _ call: Call,
        handler: ToolHandler,
        answers: [String: JSONValue],
        emit: (@Sendable (JSONValue) -> Void)?
    ) -> InputChannel {
        let name = handler.tool.name
        if call.era == .modern {
            // An empty `elicitation` object means form mode (the spec's backward-compatible reading).
            let elicitation = call.request.meta?[MCPMetaKey.clientCapabilities]?["elicitation"]?.objectValue
            let form = elicitation.map { $0.isEmpty || $0["form"] != nil } ?? false
            return .roundTrip(answers: answers, formElicitation: form)
        }
        guard handler.asksForInput else {
            // A constant: this is every plain legacy call's channel, built on the hot path.
            return .unavailable("This tool asked for input but is not registered with asksForInput")
        }
        guard let emit else {
            var reason =
                "Tool '\(name)' needs to ask the user a question, which this deployment cannot do in protocol "
                + "version \(call.version): each answer here is one JSON response (as on AWS Lambda), with no stream "
                + "to carry a question to the client."
            if self.protocolVersions.serves(.modern) {
                reason += " Protocol version 2026-07-28 asks with an input_required result, which works here."
            }
            return .unavailable(reason)
        }
        return .serverRequest(
            ServerRequestChannel(
                emit: emit,
                pending: self.pendingRequests,
                client: call.client,
                scope: Self.requiredScope(for: call.request.method),
                version: call.version,
                timeout: call.bounded(self.limits.questionTimeout)
            )
        )
    }

    /// The HTTP status and the JSON-RPC message a tool run ends with.
    private func answer(
        _ call: Call,
        _ outcome: ToolOutcome,
        tool handler: ToolHandler,
        arguments: JSONValue,
        answers: [String: JSONValue]
    ) -> (Int, JSONValue) {
        let tool = handler.tool.name
        func failure(_ error: JSONRPCError) -> (Int, JSONValue) {
            let status = call.era == .modern ? Self.modernStatus(for: error.code) : 200
            return (status, JSONRPCErrorResponse(id: call.request.id, error: error).json)
        }
        switch outcome {
        case .result(let result):
            let cacheable: Cacheable = handler.answersPerCaller ? .perCaller : .no
            return (200, self.response(call, result.jsonMembers, cacheable: cacheable))
        case .inputRequired(let question):
            let expires = Date().addingTimeInterval(TimeInterval(self.requestState.lifetime.components.seconds))
            let state = self.requestState.seal(
                RequestStateSealer.Contents(
                    tool: tool,
                    argumentsDigest: RequestStateSealer.digest(of: arguments),
                    principal: call.authorization?.principal ?? "",
                    resource: call.resource,
                    expires: Int64(expires.timeIntervalSince1970),
                    asked: [question.key],
                    answers: answers
                )
            )
            let members: [String: JSONValue] = [
                MCPResultType.key: .string(MCPResultType.inputRequired),
                MCPInputKey.inputRequests: [question.key: question.request],
                MCPInputKey.requestState: .string(state),
            ]
            return (200, self.response(call, members, cacheable: .no))
        case .missingCapability(let capabilities):
            return failure(
                JSONRPCError(
                    code: .missingRequiredClientCapability,
                    message:
                        "Missing required client capability: tool '\(tool)' asks the user through elicitation (form mode), which the request's clientCapabilities do not declare",
                    data: ["requiredCapabilities": capabilities]
                )
            )
        case .invalidInput(let message):
            return failure(.invalidParams(message))
        }
    }

    private func runTool(
        _ handler: ToolHandler,
        arguments: JSONValue,
        call: Call,
        input: InputChannel,
        progressSink: (@Sendable (Double, Double?, String?) async -> Void)?
    ) async -> ToolOutcome {
        let name = handler.tool.name
        guard case .object = arguments else {
            return .result(
                .error("Invalid arguments for tool '\(name)': arguments must be an object, not \(arguments.typeName)")
            )
        }
        if let violation = JSONSchemaCheck.firstViolation(of: handler.tool.inputSchema, in: arguments) {
            return .result(.error("Invalid arguments for tool '\(name)': \(violation)"))
        }
        let context = ToolContext(
            logger: call.logger,
            protocolVersion: call.version,
            progressSink: progressSink,
            changes: self.changes,
            input: input,
            client: call.client,
            caller: call.authorization.map(ToolCaller.init)
        )
        call.logger.debug("Tool started", metadata: ["mcp.tool": "\(name)"])
        do {
            return .result(try await handler.run(arguments, context))
        } catch let question as InputRequired {
            return .inputRequired(question)
        } catch let missing as MissingClientCapability {
            return .missingCapability(missing.requiredCapabilities)
        } catch let invalid as InvalidInputResponse {
            return .invalidInput(invalid.message)
        } catch let error as ToolError {
            return .result(.error(error.message))
        } catch is CancellationError {
            return .result(.error("Tool '\(name)' was cancelled"))
        } catch {
            call.logger.error("Tool failed", metadata: ["mcp.tool": "\(name)", "error": "\(error)"])
            return .result(.error("Tool '\(name)' failed; the server log has the details"))
        }
    }
}
