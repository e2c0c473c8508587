import Mustache

/// Renders the sign-in, consent and error pages from one `MustacheLibrary`, built once.
///
/// The templates are Swift string literals (``PageLayout``, ``SignInPage``, ``ConsentPage``, ``ErrorPage``), so
/// the Lambda zip needs no resource bundle. Every value goes through `{{x}}`, which escapes `< > & " '`; no
/// template uses `{{{x}}}` or `{{&x}}`, and a test holds to that.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    public init() {
        var library = MustacheLibrary()
        for (name, template) in Self.templates {
            do {
                try library.register(template, named: name)
            } catch {
                // The templates are fixed literals, parsed by the tests: this is a programming error.
                preconditionFailure("page template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    public func render(_ page: SignInPage) -> String { self.render(page.context, template: SignInPage.name) }
    public func render(_ page: ConsentPage) -> String { self.render(page.context, template: ConsentPage.name) }
    public func render(_ page: ErrorPage) -> String { self.render(page.context, template: ErrorPage.name) }

    static let templates: [(name: String, template: String)] = [
        (PageLayout.name, PageLayout.template),
        (SignInPage.name, SignInPage.template),
        (ConsentPage.name, ConsentPage.template),
        (ErrorPage.name, ErrorPage.template),
    ]

    private func render(_ context: [String: Any], template name: String) -> String {
        guard let html = self.library.render(context, withTemplate: name) else {
            preconditionFailure("page template \(name) is not registered")
        }
        return html
    }
}
