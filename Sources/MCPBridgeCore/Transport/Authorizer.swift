/// How requests to the server are authorized.
public enum Authorizer: Sendable {
    /// OAuth: tokens from a ``TokenProvider``, fetched when the server first asks.
    case oauth(TokenProvider)
    /// Headers the user configured (`--header`), sent as they are; a 401 is reported, not answered.
    case staticHeaders
    /// No authorization at all.
    case none

    var provider: TokenProvider? {
        if case .oauth(let provider) = self { return provider }
        return nil
    }

    func authorization() async throws -> String? {
        try await self.provider?.authorization()
    }
}

/// One HTTP header, as given by the user.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
