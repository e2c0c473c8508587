/// Why `/authorize` refused a request, and where the refusal goes (RFC 6749 §4.1.2.1).
///
/// Errors about the client or the redirect URI are shown on the server's own page and never redirected: until
/// the redirect URI is known to be registered for a known client, redirecting to it would make this server an
/// open redirector (RFC 9700 §4.11). Every other error goes back to the client's redirect URI, with the
/// request's `state` and this server's `iss` (RFC 9207).
public enum AuthorizationError: Error, Sendable, Hashable {
    /// Shown to the person as a 400 page. `error` is for logs and the page, never sent to a redirect URI.
    case showOnPage(error: String, description: String)
    /// Sent to `redirectURI` (already matched against the client's registered ones) with `iss`.
    case redirect(error: String, description: String, state: String?, redirectURI: String, iss: String)

    /// The OAuth error code.
    public var error: String {
        switch self {
        case .showOnPage(let error, _), .redirect(let error, _, _, _, _): error
        }
    }

    /// The human-readable explanation.
    public var description: String {
        switch self {
        case .showOnPage(_, let description), .redirect(_, let description, _, _, _): description
        }
    }

    /// Where to send the browser, or `nil` when the error must be shown on a page.
    public var redirectURL: String? {
        guard case .redirect(let error, let description, let state, let redirectURI, let iss) = self else {
            return nil
        }
        return AuthorizationResponseURL.error(
            redirectURI: redirectURI,
            error: error,
            description: description,
            state: state,
            issuer: iss
        )
    }
}
