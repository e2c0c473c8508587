import MCPWire

/// The operator's initial access token for Dynamic Client Registration (RFC 7591 §3), which a server whose
/// registration is not open asks for at its registration endpoint.
///
/// It prints as `<redacted>`, so no log line or error message can carry it by accident.
public struct InitialAccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself, sent only as `Authorization: Bearer` at the registration endpoint.
    public let value: String

    /// `nil` for an empty token (after trimming the whitespace a file or a shell may add).
    public init?(_ value: String) {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        self.value = trimmed
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
