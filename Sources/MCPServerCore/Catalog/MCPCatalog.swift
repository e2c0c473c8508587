public import MCPWire

/// The tools, resources, resource templates and prompts a server offers.
///
/// Build it once at start-up; the server reads it concurrently and never changes it, so it is a plain
/// value. Lists come back in registration order (deterministic, as 2026-07-28 asks); registering a name
/// again replaces the earlier entry in place.
///
/// ```swift
/// struct Greeting: Decodable { let name: String }
///
/// var catalog = MCPCatalog.builtIn
/// catalog.addTool(
///     "greet",
///     description: "Greets someone by name.",
///     inputSchema: ["type": "object", "properties": ["name": ["type": "string"]], "required": ["name"]]
/// ) { (arguments: Greeting, _) in
///     .text("Hello, \(arguments.name)!")
/// }
/// ```
public struct MCPCatalog: Sendable {
    public private(set) var tools: [ToolHandler] = []
    public private(set) var resources: [ResourceHandler] = []
    public private(set) var resourceTemplates: [ResourceTemplateHandler] = []
    public private(set) var prompts: [PromptHandler] = []

    /// An empty catalog.
    public init() {}

    /// Registers a tool whose arguments arrive as a `Decodable` value.
    ///
    /// Arguments are checked against `inputSchema` first, then decoded; either failure answers the call
    /// with an `isError` result that says which argument is wrong, and the handler is not run.
    /// - Parameters:
    ///   - asksForInput: `true` when the handler calls ``ToolContext/elicit(key:message:requestedSchema:)``.
    ///   - answersPerCaller: `true` when the result depends on ``ToolContext/caller`` (see
    ///     ``ToolHandler/answersPerCaller``).
    public mutating func addTool<Arguments: Decodable & SendableMetatype>(
        _ name: String,
        title: String? = nil,
        description: String,
        inputSchema: JSONValue,
        outputSchema: JSONValue? = nil,
        annotations: JSONValue? = nil,
        asksForInput: Bool = false,
        answersPerCaller: Bool = false,
        handler: @escaping @Sendable (Arguments, ToolContext) async throws -> MCPToolResult
    ) {
        let tool = MCPTool(
            name: name,
            title: title,
            description: description,
            inputSchema: inputSchema,
            outputSchema: outputSchema,
            annotations: annotations
        )
        let entry = ToolHandler(tool: tool, asksForInput: asksForInput, answersPerCaller: answersPerCaller) {
            arguments,
            context in
            let decoded: Arguments
            do {
                decoded = try arguments.decode(as: Arguments.self)
            } catch {
                throw ToolError("Invalid arguments for tool '\(name)': \(describeDecodingError(error))")
            }
            return try await handler(decoded, context)
        }
        Self.upsert(entry, into: &self.tools, where: { $0.tool.name == name })
    }

    /// Registers a tool that reads its arguments as raw JSON (an object, after the schema check).
    /// - Parameters:
    ///   - asksForInput: `true` when the handler calls ``ToolContext/elicit(key:message:requestedSchema:)``.
    ///   - answersPerCaller: `true` when the result depends on ``ToolContext/caller`` (see
    ///     ``ToolHandler/answersPerCaller``).
    public mutating func addTool(
        _ tool: MCPTool,
        asksForInput: Bool = false,
        answersPerCaller: Bool = false,
        handler: @escaping @Sendable (JSONValue, ToolContext) async throws -> MCPToolResult
    ) {
        Self.upsert(
            ToolHandler(tool: tool, asksForInput: asksForInput, answersPerCaller: answersPerCaller, run: handler),
            into: &self.tools,
            where: { $0.tool.name == tool.name }
        )
    }

    /// Registers a static resource.
    /// - Parameter ttlMilliseconds: how long 2026-07-28 clients may cache a read (`ttlMs`); `nil` uses the server's
    ///   cache lifetime, `0` suits a resource that changes (clients learn of changes through `subscriptions/listen`).
    public mutating func addResource(
        _ resource: MCPResource,
        ttlMilliseconds: Int? = nil,
        read: @escaping @Sendable () async throws -> [MCPResourceContents]
    ) {
        Self.upsert(
            ResourceHandler(resource: resource, ttlMilliseconds: ttlMilliseconds.map { max(0, $0) }, read: read),
            into: &self.resources,
            where: { $0.resource.uri == resource.uri }
        )
    }

    /// Registers a resource template; `read` gets the URI and the template's variables from it.
    /// - Precondition: `template.uriTemplate` is a valid level-1 RFC 6570 template.
    public mutating func addResourceTemplate(
        _ template: MCPResourceTemplate,
        read: @escaping @Sendable (_ uri: String, _ variables: [String: String]) async throws -> [MCPResourceContents]
    ) {
        guard let matcher = URITemplate(template.uriTemplate) else {
            preconditionFailure("Invalid URI template: \(template.uriTemplate)")
        }
        Self.upsert(
            ResourceTemplateHandler(template: template, matcher: matcher, read: read),
            into: &self.resourceTemplates,
            where: { $0.template.uriTemplate == template.uriTemplate }
        )
    }

    /// Registers a prompt; required arguments are checked before `get` runs.
    public mutating func addPrompt(
        _ prompt: MCPPrompt,
        get: @escaping @Sendable (_ arguments: [String: String]) async throws -> PromptResult
    ) {
        Self.upsert(
            PromptHandler(prompt: prompt, get: get),
            into: &self.prompts,
            where: { $0.prompt.name == prompt.name }
        )
    }

    func tool(named name: String) -> ToolHandler? {
        self.tools.first { $0.tool.name == name }
    }

    func prompt(named name: String) -> PromptHandler? {
        self.prompts.first { $0.prompt.name == name }
    }

    /// Whether `uri` names a resource of this catalog: a static resource's URI, or one a template matches.
    func offersResource(_ uri: String) -> Bool {
        self.resources.contains { $0.resource.uri == uri }
            || self.resourceTemplates.contains { $0.matcher.match(uri) != nil }
    }

    private static func upsert<Element>(
        _ element: Element,
        into list: inout [Element],
        where matches: (Element) -> Bool
    ) {
        if let index = list.firstIndex(where: matches) {
            list[index] = element
        } else {
            list.append(element)
        }
    }
}
