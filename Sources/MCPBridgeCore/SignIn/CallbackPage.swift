import MCPWire
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The small page the browser shows after the authorization server sends it back to the bridge: the sign-in
/// worked, or why not, and that the tab can be closed.
///
/// Self-contained (no scripts, images or fonts: its `Content-Security-Policy` forbids loading anything), never
/// cached, and it sends no `Referer` onwards: the callback URL held an authorization code.
struct CallbackPage: Sendable, Equatable {
    var status: HTTPResponseStatus
    var title: String
    var message: String
    /// Extra response headers (`Allow` on 405).
    var extraHeaders: [(String, String)] = []

    static func == (left: CallbackPage, right: CallbackPage) -> Bool {
        left.status == right.status && left.title == right.title && left.message == right.message
    }

    static func signedIn(server: String?) -> CallbackPage {
        CallbackPage(
            status: .ok,
            title: "Signed in",
            message: "Signed in\(server.map { " to \($0)" } ?? ""). You can close this tab."
        )
    }

    static func failed(server: String?, error: BridgeError) -> CallbackPage {
        let reason: String
        switch error {
        case .authorization(let detail), .configuration(let detail): reason = detail
        default: reason = error.description
        }
        return CallbackPage(
            status: .badRequest,
            title: "Not signed in",
            message:
                "Signing in\(server.map { " to \($0)" } ?? "") did not work: \(reason). You can close this tab and try again."
        )
    }

    static let outOfDate = CallbackPage(
        status: .badRequest,
        title: "Out of date",
        message:
            "This sign-in link is out of date: use the newest one. (This answer does not belong to the sign-in in progress; that one is still waiting.)"
    )

    /// The sign-in link's answer: on to the authorization server, with the cookie the callback must carry (sent
    /// only to the callback's path, never readable by scripts, and gone when the sign-in would have expired).
    ///
    /// The same cookie is also set for the link's own path, so the browser that opened the link can open it again
    /// (a closed tab) while every other browser is refused (``linkUsed``).
    static func enter(_ entrance: LoopbackCallbackServer.Entrance, port: Int) -> CallbackPage {
        let maxAge = max(0, Int(entrance.expiresAt.timeIntervalSinceNow.rounded(.up)))
        let cookie = { (path: String) in
            "\(SignInLink.cookieName(port: port))=\(entrance.cookie); Path=\(path); HttpOnly; SameSite=Lax; Max-Age=\(maxAge)"
        }
        return CallbackPage(
            status: .found,
            title: "Signing in",
            message: "On to the sign-in page…",
            extraHeaders: [
                ("Location", entrance.destination.absoluteString),
                ("Set-Cookie", cookie(LoopbackCallbackServer.callbackPath)),
                ("Set-Cookie", cookie(entrance.path)),
            ]
        )
    }

    static let otherBrowser = CallbackPage(
        status: .forbidden,
        title: "Open the sign-in link in this browser",
        message:
            "This answer reached a browser that did not open this sign-in's link, so it was not used. Open the link the application gave (it starts with http://127.0.0.1) in this browser and sign in again; the sign-in is still waiting."
    )

    static let linkUsed = CallbackPage(
        status: .forbidden,
        title: "This sign-in link was used already",
        message:
            "Another browser opened this sign-in link first, so it is not valid here. If that was you, finish signing in there. If it was not, close this page and start the sign-in again from the application (mcp-bridge login), and tell whoever looks after this computer."
    )

    static let notWaiting = CallbackPage(
        status: .serviceUnavailable,
        title: "No sign-in in progress",
        message: "No sign-in is waiting for this answer any more. Start the sign-in again from the application."
    )

    static let busy = CallbackPage(
        status: .serviceUnavailable,
        title: "Too many requests",
        message: "Too many sign-in answers are waiting. Try again in a moment."
    )

    static let notFound = CallbackPage(
        status: .notFound,
        title: "Not found",
        message: "This address only receives sign-in answers."
    )

    static let methodNotAllowed = CallbackPage(
        status: .methodNotAllowed,
        title: "Method not allowed",
        message: "Sign-in answers arrive as GET requests.",
        extraHeaders: [("Allow", "GET")]
    )

    static let bodyNotAllowed = CallbackPage(
        status: .payloadTooLarge,
        title: "Request refused",
        message: "Sign-in answers carry no body."
    )

    static let wrongHost = CallbackPage(
        status: .badRequest,
        title: "Request refused",
        message: "This listener answers only requests addressed to 127.0.0.1 or localhost."
    )

    /// The response headers: HTML that loads nothing, is never stored, and leaks no referrer.
    var headers: HTTPHeaders {
        var headers = HTTPHeaders([
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            ("Connection", "close"),
        ])
        for (name, value) in self.extraHeaders { headers.add(name: name, value: value) }
        headers.add(name: "Content-Length", value: String(self.html.utf8.count))
        return headers
    }

    /// The page, every piece of text escaped.
    var html: String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>mcp-bridge: \(Self.escape(self.title))</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}\
        h1{font-size:1.4em}</style></head>
        <body><h1>\(Self.escape(self.title))</h1><p>\(Self.escape(self.message))</p></body></html>

        """
    }

    /// `text` safe in HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        HTMLEscaping.escape(text)
    }
}
