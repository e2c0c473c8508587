import Logging
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension MCPDispatcher {
    /// One request being answered, with the era and version it is answered in.
    struct Call {
        let request: JSONRPCRequest
        let era: MCPEra
        let version: MCPProtocolVersion
        let logger: Logger
        let authorization: MCPAuthorization?
        /// Who called, for per-client bounds and for who may answer or cancel.
        let client: ClientKey
        /// The request's MCP URL.
        let resource: String

        var params: [String: JSONValue] { self.request.params ?? [:] }

        /// `limit`, or less when the access token expires sooner: what a request holds open ends with its token.
        func bounded(_ limit: Duration, now: Date = Date()) -> Duration {
            guard let expiresAt = self.authorization?.expiresAt else { return limit }
            let remaining = Duration.milliseconds(Int64((expiresAt.timeIntervalSince(now) * 1000).rounded(.down)))
            return min(limit, max(remaining, .zero))
        }
    }

    /// Whether a result carries 2026-07-28 caching hints, and with which lifetime.
    enum Cacheable {
        case no
        /// The server's ``cacheTTLMilliseconds``.
        case yes
        case milliseconds(Int)
        /// Depends on the caller (``ToolHandler/answersPerCaller``): `ttlMs: 0` and `cacheScope: "private"`, never
        /// `public`.
        case perCaller
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
        case (MCPMethod.subscriptionsListen, .modern): return self.listen(call)
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

    enum Outcome {
        case success([String: JSONValue], Cacheable)
        case failure(JSONRPCError)
    }

    func reply(_ call: Call, _ outcome: Outcome) -> MCPReply {
        switch outcome {
        case .success(let members, let cacheable):
            return .message(status: 200, self.response(call, members, cacheable: cacheable))
        case .failure(let error):
            let status = call.era == .modern ? Self.modernStatus(for: error.code) : 200
            return .message(status: status, JSONRPCErrorResponse(id: call.request.id, error: error).json)
        }
    }

    /// Wraps result members in a response, adding what the era requires (`resultType` is `complete` unless the
    /// members say otherwise).
    func response(_ call: Call, _ members: [String: JSONValue], cacheable: Cacheable) -> JSONValue {
        var result = members
        if call.era == .modern {
            if result[MCPResultType.key] == nil { result[MCPResultType.key] = .string(MCPResultType.complete) }
            var meta = result["_meta"]?.objectValue ?? [:]
            meta[MCPMetaKey.serverInfo] = self.serverInfo.json
            result["_meta"] = .object(meta)
            let ttl: Int?
            var scope = "public"
            switch cacheable {
            case .no: ttl = nil
            case .yes: ttl = self.cacheTTLMilliseconds
            case .milliseconds(let milliseconds): ttl = milliseconds
            case .perCaller:
                ttl = 0
                scope = "private"
            }
            if let ttl {
                result["ttlMs"] = .number(JSONNumber(ttl))
                result["cacheScope"] = .string(scope)
            }
        }
        return JSONRPCResponse(id: call.request.id, result: .object(result)).json
    }

    /// Change notifications need a stream to travel on: in 2026-07-28 the listen stream, where the host can hold one
    /// open. The legacy era has no GET stream here (stateless, 405), so it announces none. Extensions are announced
    /// in both eras: the client-credentials extension asks servers to put them in the `initialize` result too.
    private func capabilities(_ era: MCPEra) -> JSONValue {
        let notifies = era == .modern && self.streamsProgress
        var capabilities: [String: JSONValue] = [
            "tools": ["listChanged": .bool(notifies)],
            "resources": ["subscribe": .bool(notifies), "listChanged": .bool(notifies)],
            "prompts": ["listChanged": .bool(notifies)],
        ]
        if !self.extensions.isEmpty { capabilities["extensions"] = .object(self.extensions) }
        return .object(capabilities)
    }

    // MARK: - Lifecycle

    private func initialize(_ call: Call) -> Outcome {
        guard case .string(let requested) = call.params["protocolVersion"] else {
            return .failure(.invalidParams("initialize needs params.protocolVersion (a string)"))
        }
        // Only served versions: echo the client's, else the newest served (the handshake's rule); `call.version` is
        // that newest one.
        let requestedVersion = MCPProtocolVersion(rawValue: requested)
        let negotiated =
            self.protocolVersions.legacy.contains(requestedVersion) ? requestedVersion : call.version
        var result: [String: JSONValue] = [
            "protocolVersion": .string(negotiated.rawValue),
            "capabilities": self.capabilities(.legacy),
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
            "supportedVersions": .array(self.protocolVersions.newestFirst),
            "capabilities": self.capabilities(.modern),
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
            var cacheable = Cacheable.yes
            if let handler = self.catalog.resources.first(where: { $0.resource.uri == uri }) {
                contents = try await handler.read()
                if let ttl = handler.ttlMilliseconds { cacheable = .milliseconds(ttl) }
            } else if let (handler, variables) = self.catalog.resourceTemplates.lazy.compactMap({ handler in
                handler.matcher.match(uri).map { (handler, $0) }
            }).first {
                contents = try await handler.read(uri, variables)
            } else {
                // 2026-07-28 moved "resource not found" to -32602; earlier revisions use -32002.
                let code: JSONRPCErrorCode = call.era == .modern ? .invalidParams : .resourceNotFound
                return .failure(JSONRPCError(code: code, message: "Resource not found", data: ["uri": .string(uri)]))
            }
            return .success(["contents": .array(contents.map(\.json))], cacheable)
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
}
