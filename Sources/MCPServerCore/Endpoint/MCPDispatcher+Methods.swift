import Logging
import MCPWire

extension MCPDispatcher {
    /// One request being answered, with the era and version it is answered in.
    struct Call {
        let request: JSONRPCRequest
        let era: MCPEra
        let version: MCPProtocolVersion
        let logger: Logger
        let authorization: MCPAuthorization?

        var params: [String: JSONValue] { self.request.params ?? [:] }
    }

    private enum Cacheable {
        case yes
        case no
    }

    func dispatch(_ call: Call) async -> MCPReply {
        if let authorization = call.authorization, let scope = Self.requiredScope(for: call.request.method),
            !authorization.permits(scope)
        {
            return .insufficientScope(id: call.request.id, scope: scope)
        }
        switch (call.request.method, call.era) {
        case (MCPMethod.initialize, .legacy): return self.reply(call, self.initialize(call))
        case (MCPMethod.ping, .legacy): return self.reply(call, .success([:], .no))
        case (MCPMethod.discover, .modern): return self.reply(call, .success(self.discover(), .yes))
        case (MCPMethod.toolsList, _):
            return self.reply(call, self.list(call, key: "tools", self.catalog.tools.map(\.tool.json)))
        case (MCPMethod.toolsCall, _): return await self.callTool(call)
        case (MCPMethod.resourcesList, _):
            return self.reply(call, self.list(call, key: "resources", self.catalog.resources.map(\.resource.json)))
        case (MCPMethod.resourcesTemplatesList, _):
            let templates = self.catalog.resourceTemplates.map(\.template.json)
            return self.reply(call, self.list(call, key: "resourceTemplates", templates))
        case (MCPMethod.resourcesRead, _): return self.reply(call, await self.readResource(call))
        case (MCPMethod.promptsList, _):
            return self.reply(call, self.list(call, key: "prompts", self.catalog.prompts.map(\.prompt.json)))
        case (MCPMethod.promptsGet, _): return self.reply(call, await self.getPrompt(call))
        default: return self.reply(call, .failure(.methodNotFound(call.request.method)))
        }
    }

    // MARK: - Replies

    private enum Outcome {
        case success([String: JSONValue], Cacheable)
        case failure(JSONRPCError)
    }

    private func reply(_ call: Call, _ outcome: Outcome) -> MCPReply {
        switch outcome {
        case .success(let members, let cacheable):
            return .message(status: 200, self.response(call, members, cacheable: cacheable == .yes))
        case .failure(let error):
            let status = call.era == .modern ? Self.modernStatus(for: error.code) : 200
            return .message(status: status, JSONRPCErrorResponse(id: call.request.id, error: error).json)
        }
    }

    /// Wraps result members in a response, adding what the era requires.
    private func response(_ call: Call, _ members: [String: JSONValue], cacheable: Bool) -> JSONValue {
        var result = members
        if call.era == .modern {
            result["resultType"] = "complete"
            var meta = result["_meta"]?.objectValue ?? [:]
            meta[MCPMetaKey.serverInfo] = self.serverInfo.json
            result["_meta"] = .object(meta)
            if cacheable {
                result["ttlMs"] = .number(JSONNumber(self.cacheTTLMilliseconds))
                result["cacheScope"] = "public"
            }
        }
        return JSONRPCResponse(id: call.request.id, result: .object(result)).json
    }

    private var capabilities: JSONValue {
        [
            "tools": ["listChanged": false],
            "resources": ["subscribe": false, "listChanged": false],
            "prompts": ["listChanged": false],
        ]
    }

    // MARK: - Lifecycle

    private func initialize(_ call: Call) -> Outcome {
        guard case .string(let requested) = call.params["protocolVersion"] else {
            return .failure(.invalidParams("initialize needs params.protocolVersion (a string)"))
        }
        let requestedVersion = MCPProtocolVersion(rawValue: requested)
        let negotiated =
            MCPProtocolVersion.legacy.contains(requestedVersion) ? requestedVersion : MCPProtocolVersion.latestLegacy
        var result: [String: JSONValue] = [
            "protocolVersion": .string(negotiated.rawValue),
            "capabilities": self.capabilities,
            "serverInfo": self.serverInfo.json,
        ]
        if let instructions = self.instructions { result["instructions"] = .string(instructions) }
        call.logger.debug(
            "Negotiated protocol version",
            metadata: ["mcp.requested": "\(requested)", "mcp.negotiated": "\(negotiated)"]
        )
        return .success(result, .no)
    }

    private func discover() -> [String: JSONValue] {
        var result: [String: JSONValue] = [
            "supportedVersions": .array(MCPProtocolVersion.all.reversed().map { .string($0.rawValue) }),
            "capabilities": self.capabilities,
        ]
        if let instructions = self.instructions { result["instructions"] = .string(instructions) }
        return result
    }

    // MARK: - Lists

    /// Every list fits one page; a cursor can only come from a client that invented it.
    private func list(_ call: Call, key: String, _ items: [JSONValue]) -> Outcome {
        if let cursor = call.params["cursor"], !cursor.isNull {
            return .failure(.invalidParams("unknown cursor"))
        }
        return .success([key: .array(items)], .yes)
    }

    // MARK: - Resources

    private func readResource(_ call: Call) async -> Outcome {
        guard case .string(let uri) = call.params["uri"] else {
            return .failure(.invalidParams("resources/read needs params.uri (a string)"))
        }
        do {
            let contents: [MCPResourceContents]
            if let handler = self.catalog.resources.first(where: { $0.resource.uri == uri }) {
                contents = try await handler.read()
            } else if let (handler, variables) = self.catalog.resourceTemplates.lazy.compactMap({ handler in
                handler.matcher.match(uri).map { (handler, $0) }
            }).first {
                contents = try await handler.read(uri, variables)
            } else {
                // 2026-07-28 moved "resource not found" to -32602; earlier revisions use -32002.
                let code: JSONRPCErrorCode = call.era == .modern ? .invalidParams : .resourceNotFound
                return .failure(JSONRPCError(code: code, message: "Resource not found", data: ["uri": .string(uri)]))
            }
            return .success(["contents": .array(contents.map(\.json))], .yes)
        } catch {
            call.logger.error("Resource read failed", metadata: ["mcp.uri": "\(uri)", "error": "\(error)"])
            return .failure(.internalError("the resource could not be read"))
        }
    }

    // MARK: - Prompts

    private func getPrompt(_ call: Call) async -> Outcome {
        guard case .string(let name) = call.params["name"] else {
            return .failure(.invalidParams("prompts/get needs params.name (a string)"))
        }
        guard let handler = self.catalog.prompt(named: name) else {
            return .failure(.invalidParams("unknown prompt '\(name)'"))
        }
        var arguments: [String: String] = [:]
        switch call.params["arguments"] {
        case nil, .null: break
        case .object(let members):
            for (key, value) in members {
                guard case .string(let text) = value else {
                    return .failure(.invalidParams("prompt argument '\(key)' must be a string"))
                }
                arguments[key] = text
            }
        default:
            return .failure(.invalidParams("params.arguments must be an object"))
        }
        for argument in handler.prompt.arguments where argument.required && arguments[argument.name] == nil {
            return .failure(.invalidParams("missing required argument '\(argument.name)' for prompt '\(name)'"))
        }
        do {
            let result = try await handler.get(arguments)
            var members: [String: JSONValue] = ["messages": .array(result.messages.map(\.json))]
            if let description = result.description { members["description"] = .string(description) }
            return .success(members, .no)
        } catch let error as ToolError {
            return .failure(.invalidParams(error.message))
        } catch {
            call.logger.error("Prompt failed", metadata: ["mcp.prompt": "\(name)", "error": "\(error)"])
            return .failure(.internalError("the prompt could not be produced"))
        }
    }

    // MARK: - Tools

    private func callTool(_ call: Call) async -> MCPReply {
        guard case .string(let name) = call.params["name"] else {
            return self.reply(call, .failure(.invalidParams("tools/call needs params.name (a string)")))
        }
        guard let handler = self.catalog.tool(named: name) else {
            return self.reply(call, .failure(.invalidParams("unknown tool '\(name)'")))
        }
        let arguments = call.params["arguments"] ?? .object([:])
        var progressToken: JSONValue?
        switch call.request.meta?[MCPMetaKey.progressToken] {
        case .some(.string(let token)): progressToken = .string(token)
        case .some(.number(let token)) where token.isInteger: progressToken = .number(token)
        default: progressToken = nil
        }
        guard let progressToken, self.streamsProgress else {
            let result = await self.runTool(handler, arguments: arguments, call: call, progressSink: nil)
            return .message(status: 200, self.response(call, result.jsonMembers, cacheable: false))
        }

        let gate = ProgressGate()
        let sink: @Sendable (Double, Double?, String?) async -> Void = { progress, total, message in
            var params: [String: JSONValue] = [
                "progressToken": progressToken, "progress": .number(JSONNumber(progress)),
            ]
            if let total { params["total"] = .number(JSONNumber(total)) }
            if let message { params["message"] = .string(message) }
            gate.progress(JSONRPCNotification(method: MCPMethod.progressNotification, params: params).json)
        }
        // Unstructured on purpose: the tool must keep running after this function returns the stream, and
        // it is cancelled through the stream when the client goes away.
        let task = Task {
            let result = await self.runTool(handler, arguments: arguments, call: call, progressSink: sink)
            gate.finish(self.response(call, result.jsonMembers, cacheable: false))
        }
        gate.cancelOnTermination(task)
        switch await gate.decision() {
        case .result(let response): return .message(status: 200, response)
        case .stream: return .stream(gate.events)
        }
    }

    private func runTool(
        _ handler: ToolHandler,
        arguments: JSONValue,
        call: Call,
        progressSink: (@Sendable (Double, Double?, String?) async -> Void)?
    ) async -> MCPToolResult {
        let name = handler.tool.name
        guard case .object = arguments else {
            return .error(
                "Invalid arguments for tool '\(name)': arguments must be an object, not \(arguments.typeName)"
            )
        }
        if let violation = JSONSchemaCheck.firstViolation(of: handler.tool.inputSchema, in: arguments) {
            return .error("Invalid arguments for tool '\(name)': \(violation)")
        }
        let context = ToolContext(logger: call.logger, protocolVersion: call.version, progressSink: progressSink)
        call.logger.debug("Tool started", metadata: ["mcp.tool": "\(name)"])
        do {
            return try await handler.run(arguments, context)
        } catch let error as ToolError {
            return .error(error.message)
        } catch is CancellationError {
            return .error("Tool '\(name)' was cancelled")
        } catch {
            call.logger.error("Tool failed", metadata: ["mcp.tool": "\(name)", "error": "\(error)"])
            return .error("Tool '\(name)' failed; the server log has the details")
        }
    }
}
