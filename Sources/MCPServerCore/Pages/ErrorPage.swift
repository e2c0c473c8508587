/// A page for an authorization error that must not be sent back to the client (an unknown client, a redirect URI
/// that does not match, an expired form): a title and an explanation, and on purpose no link back, since the
/// client's redirect is exactly what cannot be trusted here.
public struct ErrorPage: Sendable, Hashable {
    public var title: String
    public var explanation: String

    public init(title: String, explanation: String) {
        self.title = title
        self.explanation = explanation
    }

    /// The page: the title and the explanation, and that the window can be closed.
    var html: HTML {
        PageLayout.page(
            title: "\(self.title)",
            content: """
                <h1>\(self.title)</h1>
                <p>\(self.explanation)</p>
                <p class="muted">You can close this window.</p>
                """
        )
    }
}
