public import MCPWire

/// The client's answer to an elicitation (`ElicitResult`): what the user did, and the form's values when they
/// accepted.
public struct ElicitationResult: Sendable, Hashable {
    /// What the user did.
    public enum Action: String, Sendable, Hashable {
        /// Submitted the form.
        case accept
        /// Explicitly refused.
        case decline
        /// Dismissed it without choosing.
        case cancel
    }

    public var action: Action
    /// The submitted values (only with ``Action/accept``).
    public var content: [String: JSONValue]?

    public init(action: Action, content: [String: JSONValue]? = nil) {
        self.action = action
        self.content = content
    }

    /// Reads an `ElicitResult`; `nil` when `action` is missing or unknown, or `content` is not an object.
    public init?(json: JSONValue) {
        guard let action = json["action"]?.stringValue.flatMap(Action.init(rawValue:)) else { return nil }
        switch json["content"] {
        case nil, .null: self.content = nil
        case .object(let members): self.content = members
        default: return nil
        }
        self.action = action
    }

    /// The `ElicitResult` as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["action": .string(self.action.rawValue)]
        if let content = self.content { members["content"] = .object(content) }
        return .object(members)
    }
}
