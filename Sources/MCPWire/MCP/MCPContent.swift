/// One content block of a tool result or prompt message.
public enum MCPContent: Sendable, Hashable {
    case text(String)
    /// Base64 image data with its MIME type.
    case image(data: String, mimeType: String)
    /// Base64 audio data with its MIME type.
    case audio(data: String, mimeType: String)
    /// A link to a resource the client may read.
    case resourceLink(uri: String, name: String, mimeType: String?)
    /// A resource embedded in the message.
    case resource(MCPResourceContents)

    public var json: JSONValue {
        switch self {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .image(let data, let mimeType):
            return ["type": "image", "data": .string(data), "mimeType": .string(mimeType)]
        case .audio(let data, let mimeType):
            return ["type": "audio", "data": .string(data), "mimeType": .string(mimeType)]
        case .resourceLink(let uri, let name, let mimeType):
            var members: [String: JSONValue] = ["type": "resource_link", "uri": .string(uri), "name": .string(name)]
            if let mimeType { members["mimeType"] = .string(mimeType) }
            return .object(members)
        case .resource(let contents):
            return ["type": "resource", "resource": contents.json]
        }
    }
}
