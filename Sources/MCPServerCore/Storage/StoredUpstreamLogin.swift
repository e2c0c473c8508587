#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A sign-in sent to the upstream OpenID provider and not yet back: what the callback needs to finish it.
///
/// Taken once (``SignInStore/takeUpstreamLogin(stateHash:now:)``), so a callback cannot be replayed.
public struct StoredUpstreamLogin: Sendable, Hashable {
    /// The SHA-256 of the `state` sent upstream.
    public var stateHash: String
    /// The `nonce` the ID token must carry.
    public var nonce: String
    /// The PKCE verifier for the upstream token request. Secret.
    public var codeVerifier: String
    /// The sealed authorization request to resume after the callback.
    public var sealedRequest: String
    /// The SHA-256 of the browser binding cookie that started the sign-in.
    public var browserHash: String
    public var createdAt: Date
    /// After this moment the callback is refused.
    public var expiresAt: Date

    public init(
        stateHash: String,
        nonce: String,
        codeVerifier: String,
        sealedRequest: String,
        browserHash: String,
        createdAt: Date,
        expiresAt: Date
    ) {
        self.stateHash = stateHash
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.sealedRequest = sealedRequest
        self.browserHash = browserHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
