#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The address a person opens to sign in: a page on the bridge's own loopback listener that sends the browser on to
/// the authorization server, and marks that browser with a cookie the callback must carry.
///
/// The authorization URL itself (with `state`) is never shown: the bridge's messages reach the host, its log and
/// its model, and whoever knows `state` could send the listener a callback with a code of their own account (login
/// CSRF). With this link, a callback also needs the cookie only a browser that opened the link holds, and a page
/// elsewhere can neither read the redirect nor set a cookie for 127.0.0.1.
public struct SignInLink: Codable, Sendable, Hashable {
    /// `http://127.0.0.1:PORT/sign-in/RANDOM`: what the person opens, and what the bridge's messages name.
    public var url: String
    /// The cookie's value: random, unrelated to the link's path.
    public var cookie: String

    /// The path every link starts with.
    static let pathPrefix = "/sign-in/"

    /// A new link on the listener the redirect URI names.
    ///
    /// - Throws: ``BridgeError/configuration(_:)`` when `redirectURI` names no port.
    init(redirectURI: String) throws(BridgeError) {
        guard let components = URLComponents(string: redirectURI), let port = components.port else {
            throw .configuration("the redirect URI \(redirectURI) names no port")
        }
        self.url = "http://\(LoopbackCallbackServer.host):\(port)\(Self.pathPrefix)\(SecureRandom.token(bytes: 16))"
        self.cookie = SecureRandom.token(bytes: 32)
    }

    /// The link's path (`/sign-in/RANDOM`).
    var path: String { URLComponents(string: self.url)?.path ?? "" }

    /// The cookie's name for the listener on `port`: cookies are shared by every port of a host, and each server's
    /// sign-in listens on a port of its own.
    static func cookieName(port: Int) -> String { "mcp_bridge_sign_in_\(port)" }
}
