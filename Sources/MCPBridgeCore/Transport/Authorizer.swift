/// How requests to the server are authorized.
public enum Authorizer: Sendable {
    /// OAuth: tokens from a ``TokenProvider``, fetched when the server first asks.
    case oauth(TokenProvider)
    /// Headers the user configured (`--header`), sent as they are; a 401 is reported, not answered.
    case staticHeaders

    var provider: TokenProvider? {
        if case .oauth(let provider) = self { return provider }
        return nil
    }

    /// The access token to send now, renewed first when it is about to expire; `nil` when there is none yet.
    func token() async throws -> String? {
        try await self.provider?.token()
    }
}
