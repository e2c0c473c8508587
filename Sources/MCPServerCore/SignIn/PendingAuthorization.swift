#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated authorization request waiting for the person to sign in and consent: what the sign-in and consent
/// forms carry sealed (``SignInSealer``) in their hidden `request` field, and what the upstream provider keeps
/// with its login state.
///
/// It is bound to the browser that opened `/authorize` (the hash of its browser cookie), to this deployment
/// (the MCP URL), and to an expiry, so a sealed request copied to another browser, replayed against another
/// deployment that shares keys, or kept past ``SignInConfiguration/loginLifetime`` is refused.
struct PendingAuthorization: Codable, Sendable, Hashable {
    /// The request's `client_id`.
    var clientID: String
    /// The client's name when the request was made, for the consent page.
    var clientName: String
    /// Whether the client proves itself with PKCE alone (``KnownClient/isPublic``): then anyone can claim its
    /// `client_id`, which decides whether the request may be approved without a page
    /// (``mayBeApprovedWithoutAPage``).
    var clientIsPublic: Bool
    /// For a client known by its Client ID Metadata Document, the host (and port, if any) of its `client_id`
    /// URL: the one part of what the pages show that its author could not choose freely. `nil` for a registered
    /// client, whose name the operator or its registration vouches for.
    var clientHost: String?
    /// The exact `redirect_uri`.
    var redirectURI: String
    var redirectKind: RedirectKind
    var state: String?
    var codeChallenge: String
    var scopes: [String]
    /// This server's MCP URL, the tokens' audience.
    var resource: String
    var nonce: String?
    var prompts: Set<AuthorizationPrompt>
    /// ``BrowserBinding/hash`` of the browser cookie of the browser that made the request.
    var browserHash: String
    /// Seconds since 1970 after which the request can no longer be finished.
    var expiresAt: Int64

    /// ``RedirectURIPolicy/Kind``, in a form that can be sealed.
    enum RedirectKind: String, Codable, Sendable, Hashable {
        case https, loopback, privateUse

        init(_ kind: RedirectURIPolicy.Kind) {
            switch kind {
            case .https: self = .https
            case .loopback: self = .loopback
            case .privateUse: self = .privateUse
            }
        }
    }

    init(_ request: AuthorizationRequest, client: KnownClient, browserHash: String, expiresAt: Date) {
        self.clientID = request.clientID
        self.clientName = client.displayName
        self.clientIsPublic = client.isPublic
        if case .metadataDocument = client.source {
            self.clientHost = Self.host(ofClientID: client.id)
        } else {
            self.clientHost = nil
        }
        self.redirectURI = request.redirectURI
        self.redirectKind = RedirectKind(request.redirectURIKind)
        self.state = request.state
        self.codeChallenge = request.codeChallenge
        self.scopes = request.scopes
        self.resource = request.resource
        self.nonce = request.nonce
        self.prompts = request.prompts
        self.browserHash = browserHash
        self.expiresAt = Int64(expiresAt.timeIntervalSince1970.rounded(.up))
    }

    /// Whether a remembered consent (or `prompt=none`) may issue a code without showing the person a page.
    ///
    /// Only when the code can reach nobody but the real client: a confidential client must still authenticate to
    /// redeem it, and an https redirect URI belongs to the client's site. A public client's loopback or
    /// private-use redirect can be claimed by any program on the device using the same `client_id`, so RFC 8252
    /// §8.6 forbids approving such requests automatically: the person sees the consent page every time (one
    /// click), which is what stops a program that merely names a known client.
    var mayBeApprovedWithoutAPage: Bool { !self.clientIsPublic || self.redirectKind == .https }

    /// The host of a metadata document client's `client_id` URL, with its port when it has one; the whole id if
    /// it does not parse (it always does: only https URLs are fetched).
    static func host(ofClientID id: String) -> String {
        guard let components = URLComponents(string: id), let host = components.host, !host.isEmpty else {
            return id
        }
        let shown = host.contains(":") ? "[\(host.lowercased())]" : host.lowercased()
        return components.port.map { shown + ":\($0)" } ?? shown
    }

    /// Where the pages say the browser goes next: the redirect URI's host, or for a private-use scheme the
    /// scheme (`cursor:`), which is all a person can recognise of it.
    var redirectHost: String {
        switch self.redirectKind {
        case .https, .loopback:
            URLComponents(string: self.redirectURI)?.host ?? self.redirectURI
        case .privateUse:
            String(self.redirectURI.prefix { $0 != ":" }) + ":"
        }
    }

    /// The consent page's wording for the redirect.
    var consentRedirectKind: ConsentPage.RedirectKind {
        switch self.redirectKind {
        case .https: .web
        case .loopback: .loopback
        case .privateUse: .application
        }
    }

    /// The redirect that refuses this request with `error` (RFC 6749 §4.1.2.1), with `state` and `iss`.
    func refusal(_ error: String, _ description: String, issuer: String) -> String {
        AuthorizationResponseURL.error(
            redirectURI: self.redirectURI,
            error: error,
            description: description,
            state: self.state,
            issuer: issuer
        )
    }
}
