/// The outcome of redeeming an authorization code.
public enum CodeRedemption: Sendable, Hashable {
    /// This call redeemed the code; nobody can redeem it again.
    case redeemed(StoredAuthorizationCode)
    /// The code had already been redeemed (its ``StoredAuthorizationCode/consumedAt`` says when): the caller
    /// should revoke the grant family it started (RFC 9700 §4.5).
    case reused(StoredAuthorizationCode)
    /// No such code for this client, or it expired before being redeemed. Nothing was changed.
    case unknown
}
