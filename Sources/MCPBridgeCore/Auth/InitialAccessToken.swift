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

extension String {
    /// Without leading and trailing white space (a token file usually ends with a newline).
    fileprivate func trimmingWhitespace() -> String {
        guard let first = self.firstIndex(where: { !$0.isWhitespace }),
            let last = self.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
