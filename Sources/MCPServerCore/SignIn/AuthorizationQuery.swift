/// The parameters of an `/authorize` query, every value kept, so a repeated parameter can be refused rather
/// than one of its values silently chosen (RFC 6749 §3.1: parameters "MUST NOT be included more than once").
public struct AuthorizationQuery: Sendable, Hashable {
    /// The longest query accepted; real requests are well under 2 KiB.
    public static let maxBytes = 8 * 1024

    /// What a parameter name holds.
    public enum Lookup: Sendable, Hashable {
        /// Not sent, or sent with an empty value (RFC 6749 §3.1: treated as omitted).
        case absent
        case value(String)
        /// Sent more than once (with any values, empty ones included).
        case repeated
    }

    private var values: [String: [String]]

    /// Parses a raw query string (without the `?`) as `application/x-www-form-urlencoded` (RFC 6749 Appendix B).
    /// - Throws: ``AuthorizationError/showOnPage(error:description:)`` when the query is too long or not
    ///   decodable: nothing in it, the redirect URI included, can be trusted then.
    public init(rawQuery: some StringProtocol) throws(AuthorizationError) {
        guard rawQuery.utf8.count <= Self.maxBytes else {
            throw .showOnPage(error: "invalid_request", description: "the request is longer than 8 KiB")
        }
        guard let pairs = FormURLEncoded.parse(Array(rawQuery.utf8)) else {
            throw .showOnPage(error: "invalid_request", description: "the request's query is malformed")
        }
        self.init(pairs: pairs)
    }

    /// The parameters from already decoded name/value pairs, in order.
    public init(pairs: [(name: String, value: String)]) {
        self.values = [:]
        for (name, value) in pairs { self.values[name, default: []].append(value) }
    }

    /// The one value of `name`.
    public subscript(_ name: String) -> Lookup {
        guard let list = self.values[name] else { return .absent }
        guard list.count == 1 else { return .repeated }
        return list[0].isEmpty ? .absent : .value(list[0])
    }

    /// The `client_id` to look the client up by, when it was sent exactly once.
    public var clientID: String? {
        if case .value(let id) = self["client_id"] { return id }
        return nil
    }
}
