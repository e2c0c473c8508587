/// A short, safe description of a `DecodingError`: the path and what was wrong, no type internals.
func describeDecodingError(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "the arguments could not be read" }
    func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty
            ? "arguments" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context):
        return "missing '\(path(context.codingPath + [key]))'"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "'\(path(context.codingPath))' has the wrong type"
    case .dataCorrupted(let context):
        return "'\(path(context.codingPath))' is not valid"
    @unknown default:
        return "the arguments could not be read"
    }
}
