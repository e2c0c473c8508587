#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Signs people in at an upstream OpenID provider instead of with a password here; implemented by
/// ``UpstreamOIDCProvider``.
///
/// `/authorize` calls ``beginSignIn(sealedRequest:browserHash:callbackURL:forceLogin:now:)`` when the browser has no session
/// and redirects there; the provider sends the browser back to ``ServerURLs/upstreamCallback``, whose controller
/// calls ``finishSignIn(query:browserHash:callbackURL:now:)`` and resumes the sealed request with the person.
public protocol UpstreamIdentityProvider: Sendable {
    /// The name pages show ("Sign in with …").
    var displayName: String { get }
    /// Saves the login state (state, nonce, PKCE verifier, the sealed request, the browser) and returns the
    /// provider's authorization URL to redirect the browser to.
    /// - Parameter forceLogin: the client's request forces a new sign-in (`prompt=login` or `select_account`):
    ///   the provider must ask the person again rather than answer from its own session.
    func beginSignIn(
        sealedRequest: String,
        browserHash: String,
        callbackURL: String,
        forceLogin: Bool,
        now: Date
    ) async throws -> String
    /// Finishes the sign-in the callback's query (already decoded, each parameter once) reports: takes the login
    /// state once, checks it belongs to this browser, redeems the code upstream, verifies the ID token and the
    /// allow-lists, and saves the person.
    /// - Throws: ``UpstreamSignInError`` with a message for the person.
    func finishSignIn(
        query: [String: String],
        browserHash: String,
        callbackURL: String,
        now: Date
    ) async throws -> UpstreamSignIn
}

/// A finished upstream sign-in.
public struct UpstreamSignIn: Sendable, Hashable {
    /// The person as stored now.
    public var person: StoredPerson
    /// The authorization request to resume.
    public var sealedRequest: String

    public init(person: StoredPerson, sealedRequest: String) {
        self.person = person
        self.sealedRequest = sealedRequest
    }
}

/// Why an upstream sign-in failed: ``message`` is for the person's page, ``logDetail`` for the server log only.
public struct UpstreamSignInError: Error, Sendable, Hashable {
    public let message: String
    public let logDetail: String

    public init(_ message: String, logDetail: String? = nil) {
        self.message = message
        self.logDetail = logDetail ?? message
    }
}
