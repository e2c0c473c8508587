/// A program's name and version (`serverInfo`, `clientInfo`).
public struct MCPImplementation: Sendable, Hashable {
    public var name: String
    public var version: String
    public var title: String?

    public init(name: String, version: String, title: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(self.name), "version": .string(self.version)]
        if let title = self.title { members["title"] = .string(title) }
        return .object(members)
    }
}
