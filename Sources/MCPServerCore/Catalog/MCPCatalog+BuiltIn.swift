import Foundation
import MCPWire

extension MCPCatalog {
    /// The catalog every `mcp-server` offers: tools `echo`, `add`, `server_time` and `countdown`, the
    /// resource `remote-mcp://about`, the template `greeting://{name}` and the prompt `summarize`.
    ///
    /// They exist so that a client can check a deployment end to end without any setup; add your own
    /// entries next to them.
    public static var builtIn: MCPCatalog {
        var catalog = MCPCatalog()
        catalog.addBuiltInTools()
        catalog.addBuiltInResources()
        catalog.addBuiltInPrompts()
        return catalog
    }

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

    private mutating func addBuiltInResources() {
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
