import HTTPTypes

/// The two cookies of the sign-in pages: the browser id (``BrowserBinding``) and the sealed session
/// (``BrowserSession``).
///
/// Both are `Secure; HttpOnly; SameSite=Lax; Path=/` with the `__Host-` prefix, which makes the browser refuse
/// them from any other host (a sibling subdomain cannot plant a browser id) or without `Secure`. Browsers treat
/// `http://127.0.0.1` and `http://localhost` as secure, so local servers keep them (checked with headless
/// Chromium 156: both cookies were stored from `http://127.0.0.1:<port>` and sent back with the form POST).
/// `SameSite=Lax` keeps them off cross-site POSTs, and on the top-level GET that brings a person back from an
/// MCP host or the upstream provider.
///
/// Only these names are read; a value that is not of the form this server writes is treated as absent.
enum SignInCookies {
    static let browser = "__Host-mcp-browser"
    static let session = "__Host-mcp-session"

    /// The values of cookie `name` in `headers`, in order: a browser may send the same name twice.
    static func values(named name: String, in headers: HTTPFields) -> [Substring] {
        headers[values: .cookie].flatMap { header in
            header.split(separator: ";").compactMap { pair -> Substring? in
                let trimmed = pair.drop { $0 == " " || $0 == "\t" }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { return nil }
                return trimmed[trimmed.index(after: equals)...]
            }
        }
    }

    /// The browser id the request carries, if any.
    static func browser(in headers: HTTPFields) -> BrowserBinding? {
        Self.values(named: Self.browser, in: headers).lazy.compactMap(BrowserBinding.init(cookieValue:)).first
    }

    /// A `Set-Cookie` header for `name` that lasts `lifetime`.
    static func setCookie(_ name: String, value: String, lifetime: Duration) -> HTTPField {
        HTTPField(
            name: .setCookie,
            value: "\(name)=\(value); Max-Age=\(lifetime.components.seconds); Path=/; Secure; HttpOnly; SameSite=Lax"
        )
    }
}
