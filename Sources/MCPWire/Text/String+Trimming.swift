// Trimming without Foundation: `trimmingCharacters(in:)` and `CharacterSet` are not in FoundationEssentials, and
// the bridge links only that.
extension StringProtocol {
    /// The text without leading and trailing white space: every `Character` whose `isWhitespace` is true, so
    /// spaces, tabs, line breaks (`\n`, `\r\n`) and Unicode spaces such as U+00A0 and U+3000. White space inside
    /// the text is kept.
    ///
    /// What `trimmingCharacters(in: .whitespacesAndNewlines)` does, for values read from files, flags and the
    /// environment.
    public func trimmingWhitespace() -> String {
        guard let first = self.firstIndex(where: { !$0.isWhitespace }),
            let last = self.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }

    /// The text without leading and trailing optional white space as HTTP defines it (RFC 9110 §5.6.3 `OWS`):
    /// spaces and horizontal tabs only. Line breaks and other white space are kept, since in a header they are
    /// not padding.
    public func trimmingOWS() -> String {
        guard let first = self.firstIndex(where: { !Self.isOWS($0) }),
            let last = self.lastIndex(where: { !Self.isOWS($0) })
        else { return "" }
        return String(self[first...last])
    }

    private static func isOWS(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }
}
