/// Refresh tokens: `<family id>.<secret>`, the secret 256 random bits in base64url. Naming the family lets `/token`
/// find it in one read; only the SHA-256 of the whole token is stored (``StoredGrantFamily/currentTokenHash``).
enum RefreshToken {
    /// A new refresh token of family `familyID`.
    static func generate(familyID: String) -> String {
        familyID + "." + SecretToken.generate()
    }

    /// The family a presented refresh token names; `nil` when it is not shaped like one of ours (then nothing is
    /// looked up).
    static func familyID(of token: String) -> String? {
        guard token.utf8.count <= 256, let dot = token.lastIndex(of: ".") else { return nil }
        let familyID = String(token[..<dot])
        let secret = token[token.index(after: dot)...]
        guard ClientRegistry.isWellFormed(id: familyID), secret.utf8.count == 43,
            secret.utf8.allSatisfy({ PKCE.isUnreserved($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "~") })
        else { return nil }
        return familyID
    }
}
