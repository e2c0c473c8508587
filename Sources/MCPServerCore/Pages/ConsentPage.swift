import MCPWire

/// The page that asks a signed-in person whether a client may act for them: who is asking, where the browser
/// goes next, what it may do, and Allow or Deny.
///
/// Every value is HTML-escaped when rendered; none of them is trusted (the client's name and the redirect come
/// from its registration or its metadata document).
public struct ConsentPage: Sendable, Hashable {
    /// The form's field names and the two answers, shared with the controller that reads the POST.
    public enum Field {
        public static let csrf = "csrf"
        public static let request = "request"
        /// The button pressed: ``allow`` or ``deny``.
        public static let action = "action"
        public static let allow = "allow"
        public static let deny = "deny"
    }

    /// What kind of place the redirect URI leads to, which changes the warning the page gives.
    public enum RedirectKind: Sendable, Hashable {
        /// An https site.
        case web
        /// A loopback address (RFC 8252 §7.3): a program on this computer.
        case loopback
        /// A private-use scheme (RFC 8252 §7.1) such as `cursor:`: an app on this device.
        case application
    }

    /// One scope asked for, with the words a person reads.
    public struct Scope: Sendable, Hashable {
        public var name: String
        public var description: String

        public init(name: String, description: String) {
            self.name = name
            self.description = description
        }
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
    public var redirectKind: RedirectKind
    /// The signed-in person as they will recognise themselves: a display name or username.
    public var signedInAs: String
    public var scopes: [Scope]
    /// The CSRF token for this browser and request.
    public var csrfToken: String
    /// The sealed, validated authorization request, carried to the POST.
    public var sealedRequest: String

    public init(
        action: String,
        clientName: String,
        clientHost: String? = nil,
        redirectHost: String,
        redirectKind: RedirectKind,
        signedInAs: String,
        scopes: [Scope],
        csrfToken: String,
        sealedRequest: String
    ) {
        self.action = action
        self.clientName = clientName
        self.clientHost = clientHost
        self.redirectHost = redirectHost
        self.redirectKind = redirectKind
        self.signedInAs = signedInAs
        self.scopes = scopes
        self.csrfToken = csrfToken
        self.sealedRequest = sealedRequest
    }

    /// The page: who asks, as whom, for what, where the browser goes next (with a warning for a program or an
    /// app on this device), and Allow or Deny.
    var html: HTML {
        PageLayout.page(
            title: "Allow access?",
            content: """
                <h1><strong>\(self.clientName)</strong>\(ClientHostNote.html(self.clientHost)) \
                wants to use your account</h1>
                <p class="muted">Signed in as <strong>\(self.signedInAs)</strong></p>
                \(self.scopeList)
                <p>Whatever you choose, you will be sent to \
                <strong>\(self.redirectHost)</strong>\(self.destinationNote).</p>
                \(self.destinationWarning)
                <form method="post" action="\(self.action)">
                <input type="hidden" name="csrf" value="\(self.csrfToken)">
                <input type="hidden" name="request" value="\(self.sealedRequest)">
                <button type="submit" name="action" value="allow">Allow</button>
                <button type="submit" name="action" value="deny" class="secondary">Deny</button>
                </form>
                """
        )
    }

    private var scopeList: HTML {
        guard !self.scopes.isEmpty else { return "<p>It asks for no particular permissions.</p>" }
        let items = HTML(
            joining: self.scopes.map { #"<li>\#($0.description) <span class="muted">(\#($0.name))</span></li>\#n"# }
        )
        return """
            <p>It asks to:</p>
            <ul>
            \(items)</ul>
            """
    }

    private var destinationNote: HTML {
        switch self.redirectKind {
        case .web: .empty
        case .loopback: ", a program on this computer"
        case .application: ", an app on this device"
        }
    }

    private var destinationWarning: HTML {
        HTML.when(
            self.redirectKind != .web,
            #"<p class="muted">Allow only if you just started this connection yourself.</p>"#
        )
    }
}

extension ConsentPage.Scope {
    /// The words a person reads for `scope`, one of ``MCPWire/OAuthScope``; any other scope is shown by its name.
    public static func describing(_ scope: String) -> ConsentPage.Scope {
        switch scope {
        case OAuthScope.read:
            ConsentPage.Scope(name: scope, description: "See this server's tools, resources and prompts")
        case OAuthScope.tools: ConsentPage.Scope(name: scope, description: "Use this server's tools on your behalf")
        default: ConsentPage.Scope(name: scope, description: scope)
        }
    }
}
