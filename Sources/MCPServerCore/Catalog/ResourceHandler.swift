public import MCPWire

/// A registered static resource.
public struct ResourceHandler: Sendable {
    public let resource: MCPResource
    /// How long 2026-07-28 clients may cache a read; `nil` means the server's cache lifetime.
    public let ttlMilliseconds: Int?
    let read: @Sendable () async throws -> [MCPResourceContents]
}

/// A registered resource template, answering reads of every URI its template matches.
public struct ResourceTemplateHandler: Sendable {
    public let template: MCPResourceTemplate
    let matcher: URITemplate
    let read: @Sendable (_ uri: String, _ variables: [String: String]) async throws -> [MCPResourceContents]
}

/// A registered prompt.
public struct PromptHandler: Sendable {
    public let prompt: MCPPrompt
    let get: @Sendable (_ arguments: [String: String]) async throws -> PromptResult
}

/// What `prompts/get` returns.
public struct PromptResult: Sendable, Hashable {
    public var description: String?
    public var messages: [MCPPromptMessage]

    public init(description: String? = nil, messages: [MCPPromptMessage]) {
        self.description = description
        self.messages = messages
    }
}
