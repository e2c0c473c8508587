/// A resource as `resources/list` describes it.
public struct MCPResource: Sendable, Hashable {
    public var uri: String
    public var name: String
    public var title: String?
    public var description: String?
    public var mimeType: String?

    public init(uri: String, name: String, title: String? = nil, description: String? = nil, mimeType: String? = nil) {
        self.uri = uri
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["uri": .string(self.uri), "name": .string(self.name)]
        if let title = self.title { members["title"] = .string(title) }
        if let description = self.description { members["description"] = .string(description) }
        if let mimeType = self.mimeType { members["mimeType"] = .string(mimeType) }
        return .object(members)
    }
}

/// A family of resources named by an RFC 6570 URI template, as `resources/templates/list` describes it.
public struct MCPResourceTemplate: Sendable, Hashable {
    public var uriTemplate: String
    public var name: String
    public var title: String?
    public var description: String?
    public var mimeType: String?

    public init(
        uriTemplate: String,
        name: String,
        title: String? = nil,
        description: String? = nil,
        mimeType: String? = nil
    ) {
        self.uriTemplate = uriTemplate
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["uriTemplate": .string(self.uriTemplate), "name": .string(self.name)]
        if let title = self.title { members["title"] = .string(title) }
        if let description = self.description { members["description"] = .string(description) }
        if let mimeType = self.mimeType { members["mimeType"] = .string(mimeType) }
        return .object(members)
    }
}

/// The contents of one resource, as `resources/read` returns them.
public struct MCPResourceContents: Sendable, Hashable {
    /// Text or base64 binary.
    public enum Body: Sendable, Hashable {
        case text(String)
        case blob(base64: String)
    }

    public var uri: String
    public var mimeType: String?
    public var body: Body

    public init(uri: String, mimeType: String? = nil, body: Body) {
        self.uri = uri
        self.mimeType = mimeType
        self.body = body
    }

    /// Text contents.
    public static func text(_ text: String, uri: String, mimeType: String? = "text/plain") -> Self {
        Self(uri: uri, mimeType: mimeType, body: .text(text))
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["uri": .string(self.uri)]
        if let mimeType = self.mimeType { members["mimeType"] = .string(mimeType) }
        switch self.body {
        case .text(let text): members["text"] = .string(text)
        case .blob(let base64): members["blob"] = .string(base64)
        }
        return .object(members)
    }
}
