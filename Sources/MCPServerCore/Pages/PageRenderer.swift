/// Renders the sign-in, consent and error pages as ``HTML`` text.
///
/// The pages are Swift code (``PageLayout``, ``SignInPage``, ``ConsentPage``, ``ErrorPage``), so the Lambda zip
/// needs no resource bundle and no template engine, and every value in them is escaped by ``HTML``'s
/// interpolation: none can become markup.
public struct PageRenderer: Sendable {
    public init() {}

    public func render(_ page: SignInPage) -> String { page.html.description }
    public func render(_ page: ConsentPage) -> String { page.html.description }
    public func render(_ page: ErrorPage) -> String { page.html.description }
}
