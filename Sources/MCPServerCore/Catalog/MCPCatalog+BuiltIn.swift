import MCPWire
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension MCPCatalog {
    /// The catalog every `mcp-server` offers: tools `echo`, `add`, `server_time`, `countdown`, `confirm`, `bump`
    /// and `whoami`, the resources `remote-mcp://about` and `remote-mcp://counter`, the template `greeting://{name}` and
    /// the prompt `summarize`.
    ///
    /// They exist so that a client can check a deployment end to end without any setup; add your own
    /// entries next to them. Each catalog made here has its own counter (`bump`, `remote-mcp://counter`).
    public static var builtIn: MCPCatalog {
        var catalog = MCPCatalog()
        let counter = NIOLockedValueBox(0)
        catalog.addBuiltInTools()
        catalog.addInteractiveTools(counter: counter)
        catalog.addIdentityTool()
        catalog.addBuiltInResources(counter: counter)
        catalog.addBuiltInPrompts()
        return catalog
    }

    /// The URI of the built-in resource that changes: the count of `bump` calls in this process.
    public static let counterURI = "remote-mcp://counter"

    private struct EchoArguments: Decodable {
        let text: String
    }

    private struct AddArguments: Decodable {
        let a: Double
        let b: Double
    }

    private struct CountdownArguments: Decodable {
        let steps: Int
        let delayMs: Int?
    }

    private struct NoArguments: Decodable {}

    private mutating func addBuiltInTools() {
        self.addTool(
            "echo",
            title: "Echo",
            description: "Returns its text argument unchanged.",
            inputSchema: [
                "type": "object",
                "properties": ["text": ["type": "string", "description": "The text to return."]],
                "required": ["text"],
            ],
            annotations: ["readOnlyHint": true, "idempotentHint": true, "openWorldHint": false]
        ) { (arguments: EchoArguments, _) in
            .text(arguments.text)
        }

        self.addTool(
            "add",
            title: "Add",
            description: "Adds two numbers.",
            inputSchema: [
                "type": "object",
                "properties": ["a": ["type": "number"], "b": ["type": "number"]],
                "required": ["a", "b"],
            ],
            outputSchema: [
                "type": "object",
                "properties": ["sum": ["type": "number"]],
                "required": ["sum"],
            ],
            annotations: ["readOnlyHint": true, "idempotentHint": true, "openWorldHint": false]
        ) { (arguments: AddArguments, _) in
            let sum = JSONNumber(arguments.a + arguments.b)
            return MCPToolResult(content: [.text(sum.literal)], structuredContent: ["sum": .number(sum)])
        }

        self.addTool(
            "server_time",
            title: "Server time",
            description: "Returns the server's current time in ISO 8601 (UTC) and as Unix milliseconds.",
            inputSchema: ["type": "object", "properties": [:]],
            outputSchema: [
                "type": "object",
                "properties": ["iso8601": ["type": "string"], "unixMs": ["type": "integer"]],
                "required": ["iso8601", "unixMs"],
            ],
            annotations: ["readOnlyHint": true, "openWorldHint": false]
        ) { (_: NoArguments, _) in
            let now = Date()
            let iso = now.formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
            )
            let unixMs = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            return MCPToolResult(
                content: [.text(iso)],
                structuredContent: ["iso8601": .string(iso), "unixMs": .number(JSONNumber(unixMs))]
            )
        }

        self.addTool(
            "countdown",
            title: "Countdown",
            description: """
                Counts down from `steps` to zero, sending one progress notification per step when the \
                request carries a progressToken; `delayMs` waits between steps.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "steps": ["type": "integer", "minimum": 1, "maximum": 1000],
                    "delayMs": ["type": "integer", "minimum": 0, "maximum": 10000],
                ],
                "required": ["steps"],
            ],
            annotations: ["readOnlyHint": true, "openWorldHint": false]
        ) { (arguments: CountdownArguments, context) in
            for step in 1...arguments.steps {
                if let delay = arguments.delayMs, delay > 0 {
                    try await Task.sleep(for: .milliseconds(delay))
                }
                try Task.checkCancellation()
                await context.progress(
                    Double(step),
                    total: Double(arguments.steps),
                    message: "\(arguments.steps - step) to go"
                )
            }
            return .text("Liftoff after \(arguments.steps) steps")
        }
    }

    private struct ConfirmArguments: Decodable {
        let question: String
    }

    private struct BumpArguments: Decodable {
        let lists: [String]?
    }

    /// How often one client may call `bump`: each call reaches every open listen stream, so without a bound one
    /// client could make the server send a thousand notifications per call.
    static let bumpsPerClientPerMinute = 10

    /// The tools that exercise what 2026-07-28 moved onto streams and round trips: a question for the user, and a
    /// change that listen streams report.
    private mutating func addInteractiveTools(counter: NIOLockedValueBox<Int>) {
        let bumps = ClientRateLimiter(limit: Self.bumpsPerClientPerMinute, window: .seconds(60))
        self.addTool(
            "confirm",
            title: "Confirm",
            description: """
                Asks the user a yes/no question and returns the answer: yes, no, or cancelled. The client must \
                support elicitation.
                """,
            inputSchema: [
                "type": "object",
                "properties": ["question": ["type": "string", "minLength": 1, "description": "The question to ask."]],
                "required": ["question"],
            ],
            outputSchema: [
                "type": "object",
                "properties": ["answer": ["type": "string", "enum": ["yes", "no", "cancelled"]]],
                "required": ["answer"],
            ],
            annotations: ["readOnlyHint": true, "openWorldHint": false],
            asksForInput: true
        ) { (arguments: ConfirmArguments, context) in
            let result = try await context.elicit(
                key: "confirmation",
                message: arguments.question,
                requestedSchema: [
                    "type": "object",
                    "properties": [
                        "confirmed": ["type": "boolean", "title": "Yes", "description": .string(arguments.question)]
                    ],
                    "required": ["confirmed"],
                ]
            )
            let answer: String
            switch result.action {
            case .accept:
                // `elicit` has checked the answer against the schema, so `confirmed` is a boolean here; the guard
                // keeps a wrong answer from ever reading as "no".
                guard case .bool(let confirmed) = result.content?["confirmed"] else {
                    throw ToolError("The answer to the question does not say yes or no (confirmed is not a boolean)")
                }
                answer = confirmed ? "yes" : "no"
            case .decline: answer = "no"
            case .cancel: answer = "cancelled"
            }
            return MCPToolResult(content: [.text(answer)], structuredContent: ["answer": .string(answer)])
        }

        self.addTool(
            "bump",
            title: "Bump",
            description: """
                Adds one to the counter at remote-mcp://counter (subscribers get notifications/resources/updated) \
                and announces a change of each list named in `lists` (tools, prompts, resources), so \
                subscriptions/listen can be seen end to end. The lists themselves stay the same. Each client may \
                bump \(Self.bumpsPerClientPerMinute) times per minute.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "lists": [
                        "type": "array",
                        "items": ["type": "string", "enum": ["tools", "prompts", "resources"]],
                    ]
                ],
            ],
            outputSchema: [
                "type": "object",
                "properties": ["counter": ["type": "integer"]],
                "required": ["counter"],
            ],
            annotations: ["readOnlyHint": false, "idempotentHint": false, "openWorldHint": false]
        ) { (arguments: BumpArguments, context) in
            guard bumps.allow(context.client) else {
                throw ToolError(
                    "bump is limited to \(Self.bumpsPerClientPerMinute) calls per client per minute; try again later"
                )
            }
            let value = counter.withLockedValue { count in
                count += 1
                return count
            }
            for list in arguments.lists ?? [] {
                switch list {
                case "tools": context.changes.publish(.toolsListChanged)
                case "prompts": context.changes.publish(.promptsListChanged)
                default: context.changes.publish(.resourcesListChanged)
                }
            }
            context.changes.publish(.resourceUpdated(uri: Self.counterURI))
            return MCPToolResult(
                content: [.text(String(value))],
                structuredContent: ["counter": .number(JSONNumber(value))]
            )
        }
    }

    /// `whoami`: the caller as the server sees it, so a person can check who they are signed in as, and an example of
    /// a tool that answers per person (its 2026-07-28 results are `cacheScope: "private"`).
    private mutating func addIdentityTool() {
        self.addTool(
            "whoami",
            title: "Who am I",
            description: """
                Returns who is calling: the OAuth client, the person signed in through it (id, username, display \
                name, email, admin), and the granted scopes.
                """,
            inputSchema: ["type": "object", "properties": [:]],
            outputSchema: [
                "type": "object",
                "properties": [
                    "authenticated": ["type": "boolean"],
                    "clientId": ["type": "string"],
                    "scopes": ["type": "array", "items": ["type": "string"]],
                    "person": [
                        "type": "object",
                        "properties": [
                            "id": ["type": "string"], "username": ["type": "string"],
                            "displayName": ["type": "string"], "email": ["type": "string"],
                            "isAdmin": ["type": "boolean"],
                        ],
                        "required": ["id", "isAdmin"],
                    ],
                ],
                "required": ["authenticated"],
            ],
            annotations: ["readOnlyHint": true, "idempotentHint": true, "openWorldHint": false],
            answersPerCaller: true
        ) { (_: NoArguments, context) in
            guard let caller = context.caller else {
                return MCPToolResult(
                    content: [.text("This server runs without authentication: it does not know who is calling.")],
                    structuredContent: ["authenticated": false]
                )
            }
            var identity: [String: JSONValue] = [
                "authenticated": true, "clientId": .string(caller.clientID),
                "scopes": .array(caller.scopes.sorted().map(JSONValue.string)),
            ]
            let text: String
            if let person = caller.person {
                var profile: [String: JSONValue] = ["id": .string(person.id), "isAdmin": .bool(person.isAdmin)]
                if let username = person.username { profile["username"] = .string(username) }
                if let displayName = person.displayName { profile["displayName"] = .string(displayName) }
                if let email = person.email { profile["email"] = .string(email) }
                identity["person"] = .object(profile)
                let name = person.displayName ?? person.username ?? person.email ?? person.id
                text = "Signed in as \(name) (\(person.id)) through client \(caller.clientID)."
            } else {
                text = "Client \(caller.clientID), calling on its own behalf (no person signed in)."
            }
            return MCPToolResult(content: [.text(text)], structuredContent: .object(identity))
        }
    }

    private mutating func addBuiltInResources(counter: NIOLockedValueBox<Int>) {
        self.addResource(
            MCPResource(
                uri: "remote-mcp://about",
                name: "about",
                title: "About this server",
                description: "What this server is and which protocol versions it speaks.",
                mimeType: "text/plain"
            )
        ) {
            let versions = MCPProtocolVersion.all.map(\.rawValue).joined(separator: ", ")
            return [
                .text(
                    "remote-mcp server \(RemoteMCP.version). Protocol versions: \(versions).",
                    uri: "remote-mcp://about"
                )
            ]
        }
        self.addResource(
            MCPResource(
                uri: Self.counterURI,
                name: "counter",
                title: "Counter",
                description: "How many times the bump tool ran in this server process; it changes with each bump.",
                mimeType: "text/plain"
            ),
            ttlMilliseconds: 0
        ) {
            [.text(String(counter.withLockedValue { $0 }), uri: Self.counterURI)]
        }
        self.addResourceTemplate(
            MCPResourceTemplate(
                uriTemplate: "greeting://{name}",
                name: "greeting",
                title: "Greeting",
                description: "A greeting for the name in the URI.",
                mimeType: "text/plain"
            )
        ) { uri, variables in
            [.text("Hello, \(variables["name"] ?? "")!", uri: uri)]
        }
    }

    private mutating func addBuiltInPrompts() {
        self.addPrompt(
            MCPPrompt(
                name: "summarize",
                title: "Summarize",
                description: "Asks the model to summarize a text.",
                arguments: [
                    MCPPromptArgument(name: "text", description: "The text to summarize.", required: true),
                    MCPPromptArgument(name: "style", description: "For example 'one sentence' or 'bullets'."),
                ]
            )
        ) { arguments in
            let style = arguments["style"].map { " in the style: \($0)" } ?? ""
            return PromptResult(
                description: "Summarize a text",
                messages: [.user("Summarize the following text\(style).\n\n\(arguments["text"] ?? "")")]
            )
        }
    }
}
