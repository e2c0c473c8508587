public import HTTPTypes
public import Hummingbird
import NIOCore

/// Builds the `Response` for a rendered page, with the headers every page carries.
public enum PageResponse {
    /// Nothing may load but the inline stylesheet; no page may be framed (clickjacking the Allow button); no
    /// `<base>` may move the forms.
    ///
    /// There is deliberately no `form-action`: Chromium applies it to the redirects that follow a form POST too, so
    /// `form-action 'self'` would block the 303 after consent to the client's redirect URI (a loopback port such as
    /// `http://127.0.0.1:53124/callback`, or `cursor://`), which cannot be listed in advance. The forms post to
    /// absolute URLs of our own, and `base-uri 'none'` plus the lack of any injection point (every value is
    /// escaped) keep their targets fixed. Checked with headless Chromium 156: under `form-action 'self'` a form
    /// POST answered by a 303 to `http://127.0.0.1:<other port>/callback` never reached the callback; under this
    /// policy it did.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"

    /// The referrer policy of every page: no `Referer` leaves this server (the authorization request's query
    /// stays here), while the forms' POSTs still carry their real `Origin`. Under `no-referrer` browsers send
    /// `Origin: null` with every form POST (Fetch, "serializing a request origin"), even to the page's own origin,
    /// and the forms' Origin check would refuse them (checked with headless Chromium 156).
    public static let referrerPolicy = "same-origin"

    /// The headers of every page: HTML in UTF-8, never cached (pages carry CSRF tokens and sealed requests),
    /// never framed, and never sending a Referer to another site.
    public static var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = Self.referrerPolicy
        headers[.xContentTypeOptions] = "nosniff"
        return headers
    }

    /// `html` with ``headers`` and `status` (a shown authorization error is 400, a CSRF failure 403).
    public static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: Self.headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }
}
