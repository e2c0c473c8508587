import Testing

@testable import MCPServerCore

/// The sign-in, consent and error pages: each renders as a complete, phone-sized page with no script and nothing
/// external, carries its hidden fields, and escapes every value.
@Suite("Pages: renderer")
struct PagesRendererTests {
    let renderer = PageRenderer()

    static let signIn = SignInPage(
        action: "https://mcp.example.com/authorize/sign-in",
        clientName: "Claude Code",
        redirectHost: "127.0.0.1",
        csrfToken: "csrf-token-1",
        sealedRequest: "sealed-request-1"
    )

    static let consent = ConsentPage(
        action: "https://mcp.example.com/authorize/consent",
        clientName: "Claude Code",
        redirectHost: "127.0.0.1",
        redirectKind: .loopback,
        signedInAs: "Ada Lovelace",
        scopes: [
            .init(name: "mcp:tools", description: "Use the server's tools"),
            .init(name: "mcp:resources", description: "Read the server's resources"),
        ],
        csrfToken: "csrf-token-2",
        sealedRequest: "sealed-request-2"
    )

    static let error = ErrorPage(
        title: "This sign-in link cannot be used",
        explanation: "The application's redirect address is not one it registered."
    )

    @Test func everyPageIsACompletePhoneSizedPageWithNothingExternal() {
        for html in [
            self.renderer.render(Self.signIn), self.renderer.render(Self.consent), self.renderer.render(Self.error),
        ] {
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
            #expect(html.contains(#"<meta charset="utf-8">"#))
            #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
            #expect(html.contains("<style>\n\(PageLayout.style)\n</style>"))
            #expect(html.contains("max-width:28rem"))
            #expect(html.contains("prefers-color-scheme:dark"))
            #expect(html.hasSuffix("</html>\n"))
            for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "{{", "}}<"] {
                #expect(!html.contains(forbidden), "\(forbidden)")
            }
        }
    }

    @Test func signInPageHasTheFormAndItsHiddenFields() {
        let html = self.renderer.render(Self.signIn)
        #expect(html.contains("<title>Sign in</title>"))
        #expect(html.contains(#"<form method="post" action="https://mcp.example.com/authorize/sign-in">"#))
        #expect(html.contains(#"<input type="hidden" name="\#(SignInPage.Field.csrf)" value="csrf-token-1">"#))
        #expect(html.contains(#"<input type="hidden" name="\#(SignInPage.Field.request)" value="sealed-request-1">"#))
        #expect(html.contains(#"name="\#(SignInPage.Field.username)" value="""#))
        #expect(html.contains(#"name="\#(SignInPage.Field.password)" type="password" autocomplete="current-password""#))
        #expect(html.contains("<strong>Claude Code</strong> wants to connect"))
        #expect(html.contains("return to <strong>127.0.0.1</strong>"))
        #expect(!html.contains(#"class="error""#))
    }

    @Test func signInPageShowsTheErrorAndKeepsTheUsername() {
        var page = Self.signIn
        page.username = "ada"
        page.errorMessage = "That username and password do not match."
        let html = self.renderer.render(page)
        #expect(html.contains(#"<p class="error" role="alert">That username and password do not match.</p>"#))
        #expect(html.contains(#"name="username" value="ada""#))
        // An empty message shows no box.
        page.errorMessage = ""
        #expect(!self.renderer.render(page).contains(#"class="error""#))
    }

    @Test func consentPageNamesTheClientTheDestinationAndTheScopes() {
        let html = self.renderer.render(Self.consent)
        #expect(html.contains("<title>Allow access?</title>"))
        #expect(html.contains("<h1><strong>Claude Code</strong> wants to use your account</h1>"))
        #expect(html.contains("Signed in as <strong>Ada Lovelace</strong>"))
        #expect(html.contains(#"<li>Use the server's tools <span class="muted">(mcp:tools)</span></li>"#) == false)
        #expect(html.contains(#"<li>Use the server&#39;s tools <span class="muted">(mcp:tools)</span></li>"#))
        #expect(html.contains(#"<li>Read the server&#39;s resources <span class="muted">(mcp:resources)</span></li>"#))
        #expect(html.contains("sent to <strong>127.0.0.1</strong>, a program on this computer."))
        #expect(html.contains(#"<input type="hidden" name="\#(ConsentPage.Field.csrf)" value="csrf-token-2">"#))
        #expect(html.contains(#"<input type="hidden" name="\#(ConsentPage.Field.request)" value="sealed-request-2">"#))
        #expect(
            html.contains(#"<button type="submit" name="action" value="\#(ConsentPage.Field.allow)">Allow</button>"#)
        )
        #expect(
            html.contains(
                #"name="\#(ConsentPage.Field.action)" value="\#(ConsentPage.Field.deny)" class="secondary">Deny"#
            )
        )
    }

    @Test func consentPageWarnsPerKindOfDestination() {
        var page = Self.consent
        page.redirectKind = .web
        page.redirectHost = "app.example.com"
        var html = self.renderer.render(page)
        #expect(html.contains("sent to <strong>app.example.com</strong>.</p>"))
        #expect(!html.contains("Allow only if you just started"))

        page.redirectKind = .application
        page.redirectHost = "cursor:"
        html = self.renderer.render(page)
        #expect(html.contains("sent to <strong>cursor:</strong>, an app on this device."))
        #expect(html.contains("Allow only if you just started"))

        page.scopes = []
        #expect(self.renderer.render(page).contains("It asks for no particular permissions."))
        #expect(!self.renderer.render(page).contains("<ul>"))
    }

    @Test func errorPageHasNoWayBackToTheClient() {
        let html = self.renderer.render(Self.error)
        #expect(html.contains("<title>This sign-in link cannot be used</title>"))
        #expect(html.contains("<h1>This sign-in link cannot be used</h1>"))
        #expect(html.contains("<p>The application&#39;s redirect address is not one it registered.</p>"))
        #expect(!html.contains("<a"))
        #expect(!html.contains("<form"))
    }

    static let hostile = #"<script>alert("x")</script> & 'q' {{csrfToken}}"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; {{csrfToken}}"

    /// One hostile value in every field: each comes out escaped exactly where the field goes, and is not read
    /// as a template either (`{{csrfToken}}` stays text).
    @Test func escapesEveryValueOfEveryPage() {
        let h = Self.hostile
        let signIn = SignInPage(
            action: h,
            clientName: h,
            redirectHost: h,
            csrfToken: h,
            sealedRequest: h,
            username: h,
            errorMessage: h
        )
        let consent = ConsentPage(
            action: h,
            clientName: h,
            redirectHost: h,
            redirectKind: .loopback,
            signedInAs: h,
            scopes: [.init(name: h, description: h)],
            csrfToken: h,
            sealedRequest: h
        )
        let error = ErrorPage(title: h, explanation: h)
        // Sign-in: 7 fields. Consent: 8 (the scope's name and description). Error: the title twice, the text once.
        for (html, places) in [
            (self.renderer.render(signIn), 7), (self.renderer.render(consent), 8), (self.renderer.render(error), 3),
        ] {
            #expect(html.ranges(of: Self.escaped).count == places)
            #expect(!html.contains("<script"))
            #expect(!html.contains(#"alert("x")"#))
            #expect(!html.contains("'q'"))
            #expect(!html.contains(" & "))
        }
    }

    /// Markup comes only from literals: an interpolated `String` is escaped, an interpolated ``HTML`` fragment is
    /// kept as it is (not escaped twice), and a value that looks like markup or like a fragment stays text.
    @Test func htmlEscapesEveryInterpolatedString() {
        let value = #"<a href="x">'&amp;'</a>"#
        let fragment: HTML = "<em>\(value)</em>"
        #expect(fragment.description == "<em>&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;</em>")
        let page: HTML = "<p>\(fragment)</p>"
        #expect(page.description == "<p>\(fragment.description)</p>")
        #expect(("<p>\(fragment.description)</p>" as HTML).description.hasPrefix("<p>&lt;em&gt;"))
        #expect(HTML.when(false, "<b>x</b>") == .empty)
        #expect(HTML.when(true, "<b>x</b>").description == "<b>x</b>")
        let items: [HTML] = ["1", "<2>"].map { "<i>\($0)</i>" }
        #expect(HTML(joining: items).description == "<i>1</i><i>&lt;2&gt;</i>")
    }

    /// Every Unicode scalar but the five passes through unchanged (no other character needs escaping in text or in
    /// a quoted attribute), and the five never survive.
    @Test func htmlEscapeTouchesOnlyTheFiveMarkupCharacters() {
        let special: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]
        // The Basic Multilingual Plane, and the first of each other plane's blocks.
        let values = Array(UInt32(0)...0xFFFF) + (1...16).flatMap { plane in (0..<0x100).map { plane << 16 | $0 } }
        for value in values {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let escaped = HTML.escape(String(Character(scalar)))
            if let reference = special[scalar] {
                #expect(escaped == reference)
            } else if escaped != String(Character(scalar)) {
                Issue.record("U+\(String(value, radix: 16)) was changed to \(escaped)")
                return
            }
        }
        #expect(HTML.escape("e\u{301}<\u{301}") == "e\u{301}&lt;\u{301}")
    }
}
