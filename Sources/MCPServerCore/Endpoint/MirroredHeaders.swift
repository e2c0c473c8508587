import MCPWire

/// 2026-07-28 `x-mcp-header`: tool arguments a client mirrors into `Mcp-Param-{Name}` headers, which the
/// server must check against the body.
enum MirroredHeaders {
    /// A description of the first mismatch, or `nil` when every mirrored argument matches its header.
    static func firstMismatch(
        tool: MCPTool,
        arguments: JSONValue?,
        header: (String) -> String?
    ) -> String? {
        for (path, name) in self.annotations(in: tool.inputSchema, path: []) {
            let headerName = MCPHeader.paramPrefix + name
            var value: JSONValue? = arguments
            for key in path { value = value?[key] }
            guard let value, !value.isNull else { continue }
            guard let raw = header(headerName) else { return "the \(headerName) header is required" }
            guard let decoded = MCPHeader.decodeValue(raw) else { return "the \(headerName) header is malformed" }
            let matches: Bool
            switch value {
            case .string(let string): matches = decoded == string
            case .bool(let bool): matches = decoded == (bool ? "true" : "false")
            case .number(let number): matches = JSONNumber(literal: decoded).map { $0 == number } ?? false
            default: matches = false
            }
            if !matches { return "\(headerName) header does not match the argument" }
        }
        return nil
    }

    /// `(property path, header name)` for every `x-mcp-header` reachable through `properties` only.
    private static func annotations(in schema: JSONValue, path: [String]) -> [([String], String)] {
        guard let properties = schema["properties"]?.objectValue else { return [] }
        var found: [([String], String)] = []
        for key in properties.keys.sorted() {
            let property = properties[key]!
            if case .string(let name) = property["x-mcp-header"] { found.append((path + [key], name)) }
            found += self.annotations(in: property, path: path + [key])
        }
        return found
    }
}
