/// The outcome of presenting a refresh token.
public enum RefreshRotation: Sendable, Hashable {
    /// The token was current: the family now holds the new hash, as returned.
    case rotated(StoredGrantFamily)
    /// The token was an earlier one of this family: the family is now revoked, as returned.
    case reused(StoredGrantFamily)
    /// Unknown family, another client's, an unknown secret, or a family revoked or expired. Nothing was changed,
    /// so guessing cannot revoke anyone's family.
    case refused
}
