/// The sign-in form `/authorize` shows when the browser has no session: username, password, and the hidden
/// fields the POST is checked with.
///
/// Every value is HTML-escaped when rendered; none of them is trusted (the client's name comes from its
/// registration or its metadata document).
public struct SignInPage: Sendable, Hashable {
    /// The form's field names, shared with the controller that reads the POST.
    public enum Field {
        public static let username = "username"
        public static let password = "password"
        public static let csrf = "csrf"
        public static let request = "request"
    }

    /// The absolute URL the form posts to.
    public var action: String
    /// The name the client registered or published.
    public var clientName: String
    /// For a client known by its Client ID Metadata Document, the host its `client_id` URL is on, shown beside
    /// the name: the name is whatever the document says ("Claude Code" from anywhere), the host is not. `nil`
    /// for a registered client.
    public var clientHost: String?
    /// Where the client will be sent back to: a host, or for a private-use scheme the scheme.
    public var redirectHost: String
    /// The CSRF token for this browser and request.
    public var csrfToken: String
    /// The sealed, validated authorization request, carried to the POST.
    public var sealedRequest: String
    /// The username to fill in again after a failed attempt; never the password.
    public var username: String
    /// Why the last attempt failed, shown above the form; `nil` shows nothing.
    public var errorMessage: String?

    public init(
        action: String,
        clientName: String,
        clientHost: String? = nil,
        redirectHost: String,
        csrfToken: String,
        sealedRequest: String,
        username: String = "",
        errorMessage: String? = nil
    ) {
        self.action = action
        self.clientName = clientName
        self.clientHost = clientHost
        self.redirectHost = redirectHost
        self.csrfToken = csrfToken
        self.sealedRequest = sealedRequest
        self.username = username
        self.errorMessage = errorMessage
    }

    /// The page: the form, and above it the client's name (with the host of its metadata document when it has
    /// one), where the browser returns to, and why the last attempt failed.
    var html: HTML {
        PageLayout.page(
            title: "Sign in",
            content: """
                <h1>Sign in</h1>
                <p><strong>\(self.clientName)</strong>\(ClientHostNote.html(self.clientHost)) \
                wants to connect to your account. \
                It will return to <strong>\(self.redirectHost)</strong>.</p>
                \(self.errorBox)
                <form method="post" action="\(self.action)">
                <input type="hidden" name="csrf" value="\(self.csrfToken)">
                <input type="hidden" name="request" value="\(self.sealedRequest)">
                <label for="username">Username</label>
                <input id="username" name="username" value="\(self.username)" autocomplete="username" \
                autocapitalize="none" spellcheck="false" required>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
                </form>
                """
        )
    }

    private var errorBox: HTML {
        guard let errorMessage, !errorMessage.isEmpty else { return .empty }
        return "<p class=\"error\" role=\"alert\">\(errorMessage)</p>"
    }
}

/// " (published at host)" beside a client's name when it is known by its Client ID Metadata Document; nothing for
/// a registered client.
enum ClientHostNote {
    static func html(_ host: String?) -> HTML {
        guard let host, !host.isEmpty else { return .empty }
        return #" <span class="muted">(published at <strong>\#(host)</strong>)</span>"#
    }
}
