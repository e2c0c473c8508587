// The "Your own tools" example of README.md, compiled and exercised by ReadmeExampleTests.
// Keep the text between the markers identical to the README's code block (a test checks it).
import Hummingbird
import Logging
import MCPServerCore
import MCPWire

// README-EXAMPLE-BEGIN
struct Forecast: Decodable { let city: String }

func makeMyServer(store: any ServerStore) -> some ApplicationProtocol {
    var catalog = MCPCatalog.builtIn  // or MCPCatalog() without the built-ins
    let schema: JSONValue = ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]
    catalog.addTool("forecast", description: "Tomorrow's weather.", inputSchema: schema) { (args: Forecast, _) in
        .text("Sunny in \(args.city)")
    }
    catalog.addResource(MCPResource(uri: "notes://motd", name: "motd")) { [.text("Ship it.", uri: "notes://motd")] }
    catalog.addPrompt(MCPPrompt(name: "haiku", arguments: [.init(name: "topic", required: true)])) { arguments in
        PromptResult(messages: [.user("Write a haiku about \(arguments["topic"]!).")])
    }
    let dispatcher = MCPDispatcher(catalog: catalog)
    let logger = Logger(label: "my-server")
    return MCPServerApplication.make(configuration: .init(), dispatcher: dispatcher, store: store, logger: logger)
}
// README-EXAMPLE-END
