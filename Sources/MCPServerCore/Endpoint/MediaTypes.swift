/// Reading `Accept` and `Content-Type` values.
enum MediaTypes {
    /// `true` when the `Accept` value admits both `application/json` and `text/event-stream`
    /// (wildcards count; a range with `q=0` does not).
    static func acceptAdmitsJSONAndEventStream(_ accept: String?) -> Bool {
        guard let accept else { return false }
        var json = false
        var eventStream = false
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
            guard let type = parts.first else { continue }
            let refused = parts.dropFirst().contains {
                $0.replacingSpaces == "q=0" || $0.hasPrefix("q=0.0") && Double($0.dropFirst(2)) == 0
            }
            if refused { continue }
            switch type {
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
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces.lowercased() }
        return type == "application/json"
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    fileprivate var replacingSpaces: String {
        String(self.filter { $0 != " " })
    }
}
