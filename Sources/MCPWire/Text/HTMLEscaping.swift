/// Escaping text for HTML, shared by the server's pages and the bridge's callback page.
public enum HTMLEscaping {
    /// `text` with the five characters that are markup in HTML text and in quoted attribute values replaced by
    /// references: `&`, `<`, `>`, `"` and `'`. By Unicode scalar, so a combining mark after one of them does not
    /// hide it (a `Character` would be `"` plus the mark, equal to neither).
    public static func escape(_ text: some StringProtocol) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
