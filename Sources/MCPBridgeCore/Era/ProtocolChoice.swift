/// Which MCP era the bridge speaks to the server (`--protocol`).
public enum ProtocolChoice: String, Sendable, CaseIterable {
    /// Find out: the era cached for the server's URL, else a `server/discover` probe, falling back to `initialize`.
    case auto
    /// The server speaks 2025-11-25 or earlier (`initialize`), whatever it says.
    case legacy
    /// The server speaks 2026-07-28 (`server/discover`, `_meta` on every request), whatever it says.
    case modern
}
