public import MCPWire

/// What the bridge knows of the server's MCP era.
public enum ServerEra: Sendable, Equatable {
    /// 2025-11-25 or earlier: `initialize` first.
    case legacy
    /// 2026-07-28: stateless, with the `server/discover` result when the bridge has it.
    case modern(discover: JSONValue?)

    /// The era without the discovery result, as cached.
    public var era: MCPEra {
        switch self {
        case .legacy: .legacy
        case .modern: .modern
        }
    }
}
