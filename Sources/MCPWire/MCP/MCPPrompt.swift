/// A prompt as `prompts/list` describes it.
public struct MCPPrompt: Sendable, Hashable {
    public var name: String
    public var title: String?
    public var description: String?
    public var arguments: [MCPPromptArgument]

    public init(name: String, title: String? = nil, description: String? = nil, arguments: [MCPPromptArgument] = []) {
        self.name = name
        self.title = title
        self.description = description
        self.arguments = arguments
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(self.name)]
        if let title = self.title { members["title"] = .string(title) }
        if let description = self.description { members["description"] = .string(description) }
        if !self.arguments.isEmpty { members["arguments"] = .array(self.arguments.map(\.json)) }
        return .object(members)
    }
}

/// One argument a prompt takes.
public struct MCPPromptArgument: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var required: Bool

    public init(name: String, description: String? = nil, required: Bool = false) {
        self.name = name
        self.description = description
        self.required = required
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(self.name), "required": .bool(self.required)]
        if let description = self.description { members["description"] = .string(description) }
        return .object(members)
    }
}

/// One message of a prompt, as `prompts/get` returns it.
public struct MCPPromptMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case user
        case assistant
    }

    public var role: Role
    public var content: MCPContent

    public init(role: Role, content: MCPContent) {
        self.role = role
        self.content = content
    }

    /// A user message with text.
    public static func user(_ text: String) -> Self { Self(role: .user, content: .text(text)) }
    /// An assistant message with text.
    public static func assistant(_ text: String) -> Self { Self(role: .assistant, content: .text(text)) }

    public var json: JSONValue {
        ["role": .string(self.role.rawValue), "content": self.content.json]
    }
}
