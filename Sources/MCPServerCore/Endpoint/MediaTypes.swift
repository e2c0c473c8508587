/// Reading `Accept` and `Content-Type` values, on their UTF-8 bytes (this runs on every request).
enum MediaTypes {
    /// `true` when the `Accept` value admits both `application/json` and `text/event-stream`
    /// (wildcards count; a range with `q=0` does not).
    static func acceptAdmitsJSONAndEventStream(_ accept: String?) -> Bool {
        guard let accept else { return false }
        var json = false
        var eventStream = false
        for range in accept.utf8.split(separator: UInt8(ascii: ",")) {
            let parameters = range.split(separator: UInt8(ascii: ";"))
            guard let type = parameters.first else { continue }
            if parameters.dropFirst().contains(where: Self.isZeroQuality) { continue }
            switch Self.lowercasedTrimmed(type) {
            case "*/*":
                json = true
                eventStream = true
            case "application/json", "application/*": json = true
            case "text/event-stream", "text/*": eventStream = true
            default: break
            }
        }
        return json && eventStream
    }

    /// `true` when the `Content-Type` value is JSON (`application/json`, parameters allowed).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        guard let type = contentType.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1).first else { return false }
        return Self.lowercasedTrimmed(type) == "application/json"
    }

    private static func lowercasedTrimmed(_ bytes: Substring.UTF8View.SubSequence) -> String {
        var trimmed = bytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            trimmed = trimmed.dropLast()
        }
        return String(
            decoding: trimmed.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 },
            as: UTF8.self
        )
    }

    /// `q=0`, `q=0.0`, `q=0.000` and so on.
    private static func isZeroQuality(_ parameter: Substring.UTF8View.SubSequence) -> Bool {
        let text = Self.lowercasedTrimmed(parameter).filter { $0 != " " }
        guard text.hasPrefix("q=0") else { return false }
        return text.dropFirst(3).allSatisfy { $0 == "." || $0 == "0" }
    }
}
