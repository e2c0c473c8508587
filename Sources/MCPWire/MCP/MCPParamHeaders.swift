/// 2026-07-28 `x-mcp-header` (SEP-2243): tool arguments that a client mirrors into `Mcp-Param-{Name}` headers and
/// a server checks against the body. Shared so the server's check and the bridge's mirroring read schemas alike.
public enum MCPParamHeaders {
    /// One annotated argument: its path through `properties`, and the header name after `Mcp-Param-`.
    public typealias Annotation = (path: [String], name: String)

    /// `(property path, header name)` for every `x-mcp-header` reachable through `properties` only, in a stable
    /// order (property names sorted at each level).
    public static func annotations(in schema: JSONValue, path: [String] = []) -> [Annotation] {
        guard let properties = schema["properties"]?.objectValue else { return [] }
        var found: [Annotation] = []
        for key in properties.keys.sorted() {
            let property = properties[key]!
            if case .string(let name) = property["x-mcp-header"] { found.append((path + [key], name)) }
            found += self.annotations(in: property, path: path + [key])
        }
        return found
    }

    /// The text a header carries for an argument value: strings as they are, booleans as `true`/`false`, numbers
    /// by their literal; `nil` for `null`, objects and arrays, which are never mirrored.
    public static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let string): string
        case .bool(let bool): bool ? "true" : "false"
        case .number(let number): number.literal
        default: nil
        }
    }

    /// The `Mcp-Param-*` headers (name, encoded value) for `arguments` under `annotations`.
    public static func headers(for annotations: [Annotation], arguments: JSONValue?) -> [(String, String)] {
        var headers: [(String, String)] = []
        for (path, name) in annotations {
            var value: JSONValue? = arguments
            for key in path { value = value?[key] }
            guard let value, let text = self.text(of: value) else { continue }
            headers.append((MCPHeader.paramPrefix + name, MCPHeader.encodeValue(text)))
        }
        return headers
    }
}
