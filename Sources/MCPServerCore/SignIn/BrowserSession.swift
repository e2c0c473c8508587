#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who is signed in to this server's pages in one browser: what the session cookie (``SignInCookies/session``)
/// carries, sealed (``SignInSealer``), so no store holds sessions and any instance can read them.
///
/// A session counts only in the browser it was made in (``browserHash``), on the deployment that made it
/// (``resource``), until ``expiresAt``, and while the person still exists with the same
/// ``StoredPerson/credentialVersion``: a password change or a deletion ends every session at once, although the
/// cookies themselves live on.
///
/// Deployments can share keys (one store) and one host: API Gateway stages (`/prod`, `/staging`) live under one
/// host, where a `__Host-` cookie set by one is sent to all. Without ``resource`` a sign-in at one would count at
/// every other, whose people and consents may differ.
struct BrowserSession: Codable, Sendable, Hashable {
    var personID: String
    var credentialVersion: Int
    /// When the person signed in, seconds since 1970 (the code's `authTime`).
    var authTime: Int64
    /// Seconds since 1970 after which the session no longer counts.
    var expiresAt: Int64
    /// ``BrowserBinding/hash`` of the browser the person signed in with.
    var browserHash: String
    /// The MCP URL (``ServerURLs/resource``) of the deployment the person signed in to.
    var resource: String

    init(person: StoredPerson, browser: BrowserBinding, resource: String, now: Date, lifetime: Duration) {
        self.personID = person.id
        self.credentialVersion = person.credentialVersion
        self.authTime = Int64(now.timeIntervalSince1970.rounded(.down))
        self.expiresAt = Int64(
            now.addingTimeInterval(TimeInterval(lifetime.components.seconds)).timeIntervalSince1970.rounded(.down)
        )
        self.browserHash = browser.hash
        self.resource = resource
    }

    var authenticatedAt: Date { Date(timeIntervalSince1970: TimeInterval(self.authTime)) }
}
