/// Text from a server or a browser made safe to write to a log, a terminal or a page.
public enum PrintableText {
    /// How much of such a text is kept.
    public static let defaultLimit = 300

    /// `text` without control, format (bidirectional overrides) or separator characters, which could forge or
    /// hide log lines, cut to `limit` characters.
    public static func clean(_ text: String, limit: Int = PrintableText.defaultLimit) -> String {
        let kept = text.unicodeScalars.filter { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: false
            default: true
            }
        }
        let cleaned = String(String.UnicodeScalarView(kept))
        guard cleaned.count > limit else { return cleaned }
        return String(cleaned.prefix(limit)) + "…"
    }
}
