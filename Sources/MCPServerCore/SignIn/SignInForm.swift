import HTTPTypes
import Hummingbird
import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A POST of the sign-in or consent form, checked before any field in it is used.
///
/// The checks, in order, each refused with this server's error page:
/// 1. `Origin`, when the browser sends one, is this server's origin (403). Browsers send it with every form
///    POST (the pages' `Referrer-Policy: same-origin` keeps it from being `null`).
/// 2. An `application/x-www-form-urlencoded` body of at most ``maxBodyBytes``, each field at most once.
/// 3. The browser cookie is there (403): a cross-site POST does not carry it (`SameSite=Lax`).
/// 4. The CSRF token is this browser's for this sealed request, compared in constant time (403).
/// 5. The sealed request opens, belongs to this browser and deployment, and has not expired.
struct SignInForm: Sendable {
    /// Room for the longest sealed request (``SignInSealer/maxSealedLength``) and the other fields; a usual
    /// form is about a kilobyte.
    static let maxBodyBytes = 32 * 1024

    let fields: [String: String]
    let browser: BrowserBinding
    let pending: PendingAuthorization
    /// The sealed request as posted, for the next page's hidden field.
    let sealedRequest: String

    static func read(
        _ request: Request,
        context: some MCPRequestContext,
        flow: SignInFlow,
        now: Date
    ) async throws -> SignInForm {
        if let origin = request.headers[.origin], origin.lowercased() != context.urls.origin.lowercased() {
            throw SignInPageError.forbidden(logDetail: "Origin \(origin.prefix(100)) is not this server's")
        }
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingOWS().lowercased()
        guard contentType == "application/x-www-form-urlencoded" else {
            throw SignInPageError.badForm("Content-Type is not a form")
        }
        var request = request
        let body = try await request.collectBody(
            limit: Self.maxBodyBytes,
            tooLarge: SignInPageError(
                .contentTooLarge,
                "This form cannot be accepted",
                "It is larger than this server accepts. " + SignInPageError.startAgain
            )
        )
        guard let pairs = FormURLEncoded.parse(body) else { throw SignInPageError.badForm("the body is malformed") }
        var fields: [String: String] = [:]
        for (name, value) in pairs where fields.updateValue(value, forKey: name) != nil {
            throw SignInPageError.badForm("field \(name.prefix(40)) appears more than once")
        }
        guard let browser = SignInCookies.browser(in: request.headers) else {
            throw SignInPageError.forbidden(logDetail: "no browser cookie")
        }
        guard let sealed = fields[SignInPage.Field.request], !sealed.isEmpty else {
            throw SignInPageError.badForm("no sealed request")
        }
        guard let token = fields[SignInPage.Field.csrf],
            browser.verifies(csrfToken: token, for: sealed, keys: flow.keys)
        else { throw SignInPageError.forbidden(logDetail: "missing or wrong CSRF token") }
        let pending = try flow.openRequest(sealed, browser: browser, urls: context.urls, now: now)
        return SignInForm(fields: fields, browser: browser, pending: pending, sealedRequest: sealed)
    }
}
