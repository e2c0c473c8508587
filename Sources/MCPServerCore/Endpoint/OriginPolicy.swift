/// Which browser origins may call the server (DNS-rebinding protection, MCP transport rules).
///
/// Requests without `Origin` (every non-browser client) pass; a present `Origin` must be on the list or be the
/// server's own origin (the request's base URL, which a page the server itself served would send).
public struct OriginPolicy: Sendable, Hashable {
    private let allowed: Set<String>

    /// - Parameter allowedOrigins: origins such as `http://localhost:6274`; the comparison ignores case
    ///   and a trailing slash. `*` allows every origin (only sensible behind another gate).
    public init(allowedOrigins: [String]) {
        self.allowed = Set(allowedOrigins.map(Self.normalize))
    }

    /// `true` when a request with this `Origin` header (or none) may proceed.
    /// - Parameter ownOrigin: the server's own origin for this request (``ServerURLs/origin``).
    public func permits(_ origin: String?, ownOrigin: String? = nil) -> Bool {
        guard let origin else { return true }
        let normalized = Self.normalize(origin)
        return self.allowed.contains("*") || self.allowed.contains(normalized)
            || ownOrigin.map { Self.normalize($0) == normalized } ?? false
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
