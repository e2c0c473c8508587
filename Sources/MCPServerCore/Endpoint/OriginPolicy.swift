/// Which browser origins may call the server (DNS-rebinding protection, MCP transport rules).
///
/// Requests without `Origin` (every non-browser client) pass; a present `Origin` must be on the list.
public struct OriginPolicy: Sendable, Hashable {
    private let allowed: Set<String>

    /// - Parameter allowedOrigins: origins such as `http://localhost:6274`; the comparison ignores case
    ///   and a trailing slash. `*` allows every origin (only sensible behind another gate).
    public init(allowedOrigins: [String]) {
        self.allowed = Set(allowedOrigins.map(Self.normalize))
    }

    /// `true` when a request with this `Origin` header (or none) may proceed.
    public func permits(_ origin: String?) -> Bool {
        guard let origin else { return true }
        return self.allowed.contains("*") || self.allowed.contains(Self.normalize(origin))
    }

    private static func normalize(_ origin: String) -> String {
        var value = origin.trimmingCharactersInSet(" ").lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}

extension String {
    fileprivate func trimmingCharactersInSet(_ character: Character) -> String {
        String(self.drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
