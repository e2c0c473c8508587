import MCPWire

/// 2026-07-28 `x-mcp-header`: tool arguments a client mirrors into `Mcp-Param-{Name}` headers, which the
/// server must check against the body.
enum MirroredHeaders {
    /// One annotated argument: its path through `properties`, and the header name after `Mcp-Param-`.
    typealias Annotation = MCPParamHeaders.Annotation

    /// A description of the first mismatch, or `nil` when every mirrored argument matches its header.
    static func firstMismatch(
        _ annotations: [Annotation],
        arguments: JSONValue?,
        header: (String) -> String?
    ) -> String? {
        for (path, name) in annotations {
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
    static func annotations(in schema: JSONValue) -> [Annotation] {
        MCPParamHeaders.annotations(in: schema)
    }
}
